import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { expect } from 'chai';

import { projectRoot } from '../../harness/paths.js';
import { CONFIG_SCHEMA, generateConfigSchema } from '../../scripts/generate-config-schema.js';
import { GENERATED_TYPES, generateTypes } from '../../scripts/generate-schema-types.js';

describe('scripts/generate-schema-types.ts', () => {
  it(`${CONFIG_SCHEMA}'s guests part is what the guest adapters generate (else: npm run generate:types)`, async () => {
    const committed = await readFile(path.join(projectRoot, CONFIG_SCHEMA), 'utf8');
    expect(committed).to.equal(await generateConfigSchema(), `${CONFIG_SCHEMA} is out of date: run npm run generate:types`);
  });

  for (const target of GENERATED_TYPES) {
    it(`${target.output} is what ${target.schema} generates (else: npm run generate:types)`, async () => {
      const committed = await readFile(path.join(projectRoot, target.output), 'utf8');
      expect(committed).to.equal(await generateTypes(target), `${target.output} is out of date: run npm run generate:types`);
    });
  }

  describe('what the generator is shown of a schema', () => {
    let dir: string;
    let schemaFile: string;
    before(async () => {
      dir = await mkdtemp(path.join(tmpdir(), 'hb-generate-types-'));
      schemaFile = path.join(dir, 'schema.json');
      await writeFile(
        schemaFile,
        JSON.stringify({
          title: 'A sentence for readers',
          type: 'object',
          additionalProperties: false,
          required: ['name'],
          properties: {
            name: { title: 'a name of lowercase letters', description: 'The name.', type: 'string' },
            size: { description: 'How big.', type: 'integer', default: 1 },
            tags: { description: 'Tags.', type: 'array', minItems: 1, items: { type: 'string' } },
            pair: { description: 'Low and high.', type: 'array', minItems: 2, maxItems: 2, items: { type: 'number' } },
            limits: {
              title: 'Limits',
              description: 'Limits.',
              type: 'object',
              additionalProperties: false,
              default: {},
              properties: { most: { type: 'integer', default: 9 } },
            },
          },
          allOf: [{ if: { properties: { name: { const: 'x' } } }, then: { properties: { size: { const: 2 } } } }],
        }),
      );
    });
    after(async () => {
      await rm(dir, { recursive: true, force: true });
    });

    it('names the document and its titled objects, never a string by its error-message title; drops if/then', async () => {
      const source = await generateTypes({ schema: schemaFile, output: 'unused.ts', rootName: 'Doc', describes: 'A test.' });
      expect(source).to.contain('export interface Doc {').and.to.contain('export interface Limits {').and.to.contain('  name: string;');
      expect(source).not.to.match(/ALowercase|NameOfLowercase/i);
      expect(source).not.to.contain('&');
      expect(source).to.contain('Generated from').and.to.contain('npm run generate:types');
    });

    it('types only fixed-length lists as tuples', async () => {
      const source = await generateTypes({ schema: schemaFile, output: 'unused.ts', rootName: 'Doc', describes: 'A test.' });
      expect(source).to.contain('tags?: string[];').and.to.contain('pair?: [number, number];');
    });

    it('with defaultsApplied, makes every property with a default required, as ajv (useDefaults) leaves the data', async () => {
      const written = await generateTypes({ schema: schemaFile, output: 'unused.ts', rootName: 'Doc', describes: 'A test.' });
      const validated = await generateTypes({ schema: schemaFile, output: 'unused.ts', rootName: 'Doc', describes: 'A test.', defaultsApplied: true });
      expect(written).to.contain('size?: number;').and.to.contain('limits?: Limits;').and.to.contain('most?: number;');
      expect(validated).to.contain('size: number;').and.to.contain('limits: Limits;').and.to.contain('most: number;');
      expect(validated).to.contain('tags?: string[];');
    });
  });
});
