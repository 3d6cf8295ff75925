// The import structure of harness/ (docs/architecture.md draws it). Layers run from the command
// line at the top down to the statistics at the bottom; a module may import from its own folder
// and from the layers below its own, never from a layer above. Folders on one line are peers: they
// may import each other, as long as no circle forms. `npm run lint` checks this with
// dependency-cruiser, type-only imports included (a type import ties two modules as much as any).
const LAYERS = [
  ['cli'],
  ['runner', 'published', 'compare'],
  ['executor', 'anatomy'],
  ['session'],
  ['guests'],
  ['deploy'],
  ['archive'],
  ['report'],
  ['analysis'],
  ['lifecycle'],
  ['rundir'],
  ['jobs', 'qemu', 'ssh', 'console', 'host', 'wire', 'debian', 'cache'],
  ['config'],
  ['stats', 'errors', 'units.ts', 'paths.ts', 'hash.ts'],
];

const path = (names) => `^harness/(${names.map((n) => n.replace('.', '\\.')).join('|')})(/|$)`;
const upward = LAYERS.slice(1).map((layer, i) => ({
  name: `layer-${layer.join('-').replace(/\.ts/g, '')}-imports-upward`,
  comment: `${layer.join(', ')} may not import from the layers above it: ${LAYERS.slice(0, i + 1)
    .flat()
    .join(', ')}`,
  severity: 'error',
  from: { path: path(layer) },
  to: { path: path(LAYERS.slice(0, i + 1).flat()) },
}));
const known = LAYERS.flat();

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment: 'an import circle: the modules in it cannot be understood, tested or moved one at a time',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'unlayered-folder',
      comment: 'every folder of harness/ has a place in LAYERS (.dependency-cruiser.cjs, docs/architecture.md)',
      severity: 'error',
      from: { path: '^harness/', pathNot: path(known) },
      to: {},
    },
    ...upward,
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js', '.json'] },
  },
};
