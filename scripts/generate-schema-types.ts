/**
 * Generates the TypeScript types of the project's JSON Schemas, so that each shape is written once:
 * in the schema, which is what files are checked against. The guest adapters' part of
 * configs/schema.json is itself generated first, from the adapters (generate-config-schema.ts). The generated files are committed;
 * test/scripts/generate-schema-types.test.ts regenerates them in memory and fails when they differ.
 *
 *   npm run generate:types
 */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

import { compile, type JSONSchema } from 'json-schema-to-typescript';

import { projectRoot } from '../harness/paths.js';
import { CONFIG_SCHEMA, generateConfigSchema } from './generate-config-schema.js';

export interface GeneratedTypes {
  /** The JSON Schema, relative to the project root (or absolute). */
  schema: string;
  /** The TypeScript file generated from it, relative to the project root. */
  output: string;
  /** Name of the type of a whole document (the schema's own title is a sentence for readers). */
  rootName: string;
  /** What the types describe, for the file's header. */
  describes: string;
  /**
   * Types of the data after ajv has validated it with `useDefaults`: every property the schema gives
   * a `default` is then present, so it is required here.
   */
  defaultsApplied?: boolean;
}

export const GENERATED_TYPES: readonly GeneratedTypes[] = [
  {
    schema: 'configs/schema.json',
    output: 'harness/config/schema.generated.ts',
    rootName: 'ConfigFile',
    describes: 'A run configuration as written in its YAML file.',
  },
  {
    schema: 'configs/schema.json',
    output: 'harness/config/validated.generated.ts',
    rootName: 'ValidatedConfig',
    describes: 'A run configuration as it stands after validation, every default of the schema filled in (harness/config/load.ts).',
    defaultsApplied: true,
  },
  {
    schema: 'harness/analysis/results.schema.json',
    output: 'harness/analysis/results.generated.ts',
    rootName: 'ResultsDocument',
    describes: "A run's results.json.",
  },
];

type SchemaNode = Record<string, unknown>;

const isNode = (value: unknown): value is SchemaNode => typeof value === 'object' && value !== null && !Array.isArray(value);

/** The subschemas directly under `node`, by the keywords that hold schemas (not, say, `properties` itself). */
function subschemas(node: SchemaNode): SchemaNode[] {
  const maps = [node['properties'], node['definitions']].filter(isNode).flatMap((map) => Object.values(map));
  const lists = [node['allOf'], node['anyOf'], node['oneOf'], node['items']].flatMap((list) => (Array.isArray(list) ? list : []));
  const singles = [node['items'], node['additionalProperties'], node['not']];
  return [...maps, ...lists, ...singles].filter(isNode);
}

/**
 * Rewrites a copy of the schema into what json-schema-to-typescript should see: only names, the
 * conditionals, list bounds and (with defaultsApplied) which keys are required are touched; every
 * property, type and description is the schema's own.
 */
function forGeneration(node: SchemaNode, target: GeneratedTypes): void {
  // On strings, numbers and lists a title is the phrase a config error shows as "expected"
  // (harness/config/issues.ts), not a type name; objects' titles name their interfaces.
  if (node['type'] !== 'object') delete node['title'];
  // `if`/`then` (the per-OS rules of a guest) are applied by ajv; a type cannot follow them.
  if (Array.isArray(node['allOf'])) {
    const kept = node['allOf'].filter((member) => !(isNode(member) && 'if' in member));
    if (kept.length > 0) node['allOf'] = kept;
    else delete node['allOf'];
  }
  for (const keyword of ['if', 'then', 'else']) delete node[keyword];
  // A list of fixed length is a tuple (`ci95` is [low, high]). Other bounds are ajv's to check: as
  // a type, a non-empty tuple ([T, ...T[]]) would only hinder code that builds such lists.
  if (node['minItems'] !== node['maxItems']) {
    delete node['minItems'];
    delete node['maxItems'];
  }
  const properties = node['properties'];
  if (target.defaultsApplied && isNode(properties)) {
    const defaulted = Object.keys(properties).filter((key) => isNode(properties[key]) && 'default' in properties[key]);
    const required = Array.isArray(node['required']) ? (node['required'] as string[]) : [];
    if (defaulted.length > 0) node['required'] = [...new Set([...required, ...defaulted])];
  }
  for (const child of subschemas(node)) forGeneration(child, target);
}

function banner(target: GeneratedTypes): string {
  return [
    '/**',
    ` * Generated from ${target.schema} by scripts/generate-schema-types.ts: do not edit by hand.`,
    ` * ${target.describes}`,
    ' *',
    ' * To change these types, edit the schema and run `npm run generate:types`;',
    ' * test/scripts/generate-schema-types.test.ts fails while this file and the schema disagree.',
    ' */',
  ].join('\n');
}

/** The TypeScript source generated from `target.schema`, as it should be committed at `target.output`. */
export async function generateTypes(target: GeneratedTypes): Promise<string> {
  const schema = JSON.parse(await readFile(path.resolve(projectRoot, target.schema), 'utf8')) as SchemaNode;
  forGeneration(schema, target);
  schema['title'] = target.rootName;
  return compile(schema as JSONSchema, target.rootName, {
    bannerComment: banner(target),
    cwd: path.dirname(path.resolve(projectRoot, target.schema)),
    style: { singleQuote: true },
  });
}

async function main(): Promise<void> {
  // The guest adapters' part of the config schema first: the config types are generated from it.
  await writeFile(path.join(projectRoot, CONFIG_SCHEMA), await generateConfigSchema());
  console.log(`${CONFIG_SCHEMA} (the guests' part, from harness/guests/registry.ts)`);
  for (const target of GENERATED_TYPES) {
    await writeFile(path.join(projectRoot, target.output), await generateTypes(target));
    console.log(`${target.output} (from ${target.schema})`);
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
