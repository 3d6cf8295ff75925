// Lint for the orchestrator (harness/), the tests and the scripts. The rules that matter most here:
// functions short enough to read at once, and (with dependency-cruiser, .dependency-cruiser.cjs) no
// import cycles and no import that runs up the layers docs/architecture.md draws.
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'results/**', '.cache/**', 'guests/**', 'images/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: globals.node },
    rules: {
      'max-lines-per-function': ['error', { max: 80, skipBlankLines: true, skipComments: true }],
      // Guests' consoles and data channels are bytes: matching control characters is the point.
      'no-control-regex': 'off',
      // `const { dropped, ...rest } = x` is how a key is left out of a copy.
      '@typescript-eslint/no-unused-vars': ['error', { ignoreRestSiblings: true }],
    },
  },
  {
    // A test file is its describe blocks, as long as their cases; chai's assertions are property reads.
    files: ['test/**'],
    rules: {
      'max-lines-per-function': 'off',
      '@typescript-eslint/no-unused-expressions': 'off',
    },
  },
);
