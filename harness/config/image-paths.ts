import { isRecord } from './issues.js';

/** What an image path must name when it exists. */
export type PathKind = 'file' | 'directory';

type SchemaNode = Record<string, unknown>;

/**
 * Whether a guest (as written, or with defaults filled in) meets the `if` of one of the schema's
 * per-guest rules. Those rules are generated (scripts/generate-config-schema.ts) and only ever
 * require keys and give them `const` values, which is all this follows.
 */
function meets(condition: SchemaNode, guest: Record<string, unknown>): boolean {
  const required = Array.isArray(condition['required']) ? (condition['required'] as string[]) : [];
  if (!required.every((key) => guest[key] !== undefined)) return false;
  const properties = isRecord(condition['properties']) ? condition['properties'] : {};
  return Object.entries(properties).every(([key, rule]) => !isRecord(rule) || !('const' in rule) || guest[key] === undefined || guest[key] === rule['const']);
}

/**
 * The keys of a guest's `image` that are paths, and what each must name: the `x-path` of the image
 * definition configs/schema.json gives the guest's adapter (generated from the adapter's own
 * declaration). Empty when no rule applies (the schema reports the guest then).
 */
export function imagePathKinds(schema: SchemaNode, guest: Record<string, unknown>): Record<string, PathKind> {
  const definitions = isRecord(schema['definitions']) ? schema['definitions'] : {};
  const rules = isRecord(definitions['guest']) && Array.isArray(definitions['guest']['allOf']) ? definitions['guest']['allOf'] : [];
  for (const rule of rules) {
    if (!isRecord(rule) || !isRecord(rule['if']) || !isRecord(rule['then']) || !meets(rule['if'], guest)) continue;
    const thenProperties = rule['then']['properties'];
    const image = isRecord(thenProperties) ? thenProperties['image'] : undefined;
    const ref = isRecord(image) && typeof image['$ref'] === 'string' ? image['$ref'] : undefined;
    if (ref === undefined) continue;
    const definition = definitions[ref.replace('#/definitions/', '')];
    const properties = isRecord(definition) && isRecord(definition['properties']) ? definition['properties'] : {};
    return Object.fromEntries(
      Object.entries(properties).flatMap(([key, setting]) => {
        const kind = isRecord(setting) ? setting['x-path'] : undefined;
        return kind === 'file' || kind === 'directory' ? [[key, kind]] : [];
      }),
    );
  }
  return {};
}
