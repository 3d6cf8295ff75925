/**
 * Writes the guest adapters' part of configs/schema.json: the values of a guest's `os`, `reach` and
 * `variant`, each adapter's `image` definition, and the rules that tie `image`, `peers`, `deploy`,
 * `target` and `pin` to the adapter a guest selects. Everything else in the schema is written by
 * hand. The adapters (harness/guests/registry.ts) are the only home of these facts; the schema is
 * regenerated from them by `npm run generate:types`, and test/scripts/generate-schema-types.test.ts
 * fails while the committed schema differs.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';

import type { GuestAdapter } from '../harness/guests/adapter.js';
import { ADAPTERS } from '../harness/guests/registry.js';
import { projectRoot } from '../harness/paths.js';

export const CONFIG_SCHEMA = 'configs/schema.json';

type SchemaNode = Record<string, unknown>;

/** The name of an adapter's image definition: `linux-disk` → `linuxDiskImage`. */
export function imageDefinition(adapter: Pick<GuestAdapter, 'id'>): string {
  return `${adapter.id.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase())}Image`;
}

const unique = <T>(values: readonly T[]): T[] => [...new Set(values)];

/** Whether `adapter` is the one a guest of its OS and reach gets when it names no variant. */
function isDefaultVariant(adapter: GuestAdapter): boolean {
  return ADAPTERS.find((a) => a.os === adapter.os && a.reach === adapter.reach) === adapter;
}

/** The `if` of a rule: the guest's os is `os`, and reach, when given, is `reach` (qemu being the default). */
function selects(os: string, reach: string): SchemaNode {
  return {
    type: 'object',
    required: reach === 'qemu' ? ['os'] : ['os', 'reach'],
    properties: { os: { const: os }, reach: { const: reach } },
  };
}

/** The rule of one adapter: its image keys, peers and deploy methods, for the guests it runs. */
function adapterRule(adapter: GuestAdapter): SchemaNode {
  const condition = selects(adapter.os, adapter.reach);
  if (adapter.variant !== undefined) {
    (condition['properties'] as SchemaNode)['variant'] = { const: adapter.variant };
    if (!isDefaultVariant(adapter)) (condition['required'] as string[]).push('variant');
  }
  const methods = adapter.deployMethods;
  const properties: SchemaNode = {
    image: { $ref: `#/definitions/${imageDefinition(adapter)}`, default: {} },
    peers: adapter.peers ? { type: 'array', items: { enum: [...adapter.peers] } } : { $ref: '#/definitions/noPeers' },
    deploy: methods === undefined ? { $ref: '#/definitions/noDeploy' } : methods.length === 1 ? { const: methods[0] } : { enum: [...methods] },
  };
  return { if: condition, then: { type: 'object', properties } };
}

/** Per OS, the reaches it has; per OS and reach, the variants (or none). */
function combinationRules(): SchemaNode[] {
  const rules: SchemaNode[] = [];
  for (const os of unique(ADAPTERS.map((a) => a.os))) {
    const ofOs = ADAPTERS.filter((a) => a.os === os);
    const reaches = unique(ofOs.map((a) => a.reach));
    rules.push({
      if: { type: 'object', required: ['os'], properties: { os: { const: os } } },
      then: { type: 'object', properties: { reach: reaches.length === 1 ? { const: reaches[0] } : { enum: reaches } } },
    });
    for (const reach of reaches) {
      const variants = unique(ofOs.filter((a) => a.reach === reach).flatMap((a) => (a.variant === undefined ? [] : [a.variant])));
      rules.push({
        if: selects(os, reach),
        then: { type: 'object', properties: { variant: variants.length === 0 ? { $ref: '#/definitions/noVariant' } : { enum: variants } } },
      });
    }
  }
  return rules;
}

/** What `reach: ssh` means whatever the OS: a target, and no QEMU threads to pin; and no target otherwise. */
const REACH_RULES: SchemaNode[] = [
  {
    if: { type: 'object', required: ['reach'], properties: { reach: { const: 'ssh' } } },
    then: { type: 'object', required: ['target'], properties: { target: { $ref: '#/definitions/sshTarget' }, pin: { $ref: '#/definitions/noPin' } } },
  },
  {
    if: { type: 'object', properties: { reach: { not: { const: 'ssh' } } } },
    then: { type: 'object', properties: { target: { $ref: '#/definitions/noTarget' } } },
  },
];

function imageSchema(adapter: GuestAdapter): SchemaNode {
  return {
    description: adapter.image.description,
    type: 'object',
    additionalProperties: false,
    ...(adapter.image.required?.length ? { required: [...adapter.image.required] } : {}),
    properties: Object.fromEntries(Object.entries(adapter.image.properties).map(([key, setting]) => [key, { ...setting }])),
  };
}

function selectorText(adapter: GuestAdapter): string {
  const keys = [
    `os: ${adapter.os}`,
    ...(adapter.reach === 'qemu' ? [] : [`reach: ${adapter.reach}`]),
    ...(adapter.variant ? [`variant: ${adapter.variant}`] : []),
  ];
  return `\`${keys.join(', ')}\` (${adapter.displayName})`;
}

/** Sets the generated parts of `schema` (configs/schema.json, parsed) from the adapters. */
export function applyAdapters(schema: SchemaNode): void {
  const definitions = schema['definitions'] as Record<string, SchemaNode>;
  const guest = definitions['guest']!;
  const properties = guest['properties'] as Record<string, SchemaNode>;
  const oses = unique(ADAPTERS.map((a) => a.os));
  properties['os'] = {
    description: `Guest operating system: ${oses.map((os) => `\`${os}\``).join(', ')}. With \`reach\` and \`variant\` it selects the adapter under harness/guests/ and so the keys allowed in \`image\`: ${ADAPTERS.map(selectorText).join('; ')}. The earlier spellings \`os: linux-disk\` and \`os: ssh\` are read as \`os: linux\` with \`variant: disk\` and with \`reach: ssh\`. Required, no default.`,
    type: 'string',
    enum: oses,
  };
  properties['reach'] = {
    description:
      'How the harness reaches the guest: `qemu` (it boots the guest in QEMU) or `ssh` (an existing machine reached over SSH, no QEMU, given by `target`: docs/ssh-target.md). Default `qemu`.',
    type: 'string',
    enum: unique(['qemu', ...ADAPTERS.map((a) => a.reach)]),
    default: 'qemu',
  };
  properties['variant'] = {
    description: `Which image of the OS to boot, for an OS with more than one: ${ADAPTERS.filter((a) => a.variant !== undefined)
      .map((a) => `\`${a.variant}\` (\`os: ${a.os}\`${isDefaultVariant(a) ? ', the default' : ''}: ${a.displayName})`)
      .join(', ')}. Default: the OS's first.`,
    type: 'string',
    enum: unique(ADAPTERS.flatMap((a) => (a.variant === undefined ? [] : [a.variant]))),
  };
  guest['allOf'] = [...ADAPTERS.map(adapterRule), ...combinationRules(), ...REACH_RULES];
  for (const name of Object.keys(definitions)) if (name.endsWith('Image')) delete definitions[name];
  for (const adapter of ADAPTERS) definitions[imageDefinition(adapter)] = imageSchema(adapter);
}

/** configs/schema.json as it should be committed: the hand-written parts as they are, the adapters' parts generated. */
export async function generateConfigSchema(): Promise<string> {
  const schema = JSON.parse(await readFile(path.join(projectRoot, CONFIG_SCHEMA), 'utf8')) as SchemaNode;
  applyAdapters(schema);
  return `${JSON.stringify(schema, null, 2)}\n`;
}
