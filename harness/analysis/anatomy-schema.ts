import { Ajv, type ErrorObject, type JSONSchemaType, type ValidateFunction } from 'ajv';
import { TRANSITION_KINDS, type AnatomyBlock, type AnatomyDocument, type AnatomyFunction, type AnatomyMetric, type TransitionKind } from './anatomy.js';

/*
 * The JSON Schema guests/<name>/anatomy.json is checked against when a report reads it. It is typed
 * by ajv's JSONSchemaType<AnatomyDocument>, so the compiler refuses it as soon as it and the types in
 * anatomy.ts disagree: the types stay the one place the document's shape is declared.
 */

const count = { type: 'integer', minimum: 0 } as const;

const transitions: JSONSchemaType<Record<TransitionKind, number>> = {
  type: 'object',
  properties: Object.fromEntries(TRANSITION_KINDS.map((kind) => [kind, count])) as JSONSchemaType<Record<TransitionKind, number>>['properties'],
  required: [...TRANSITION_KINDS],
  additionalProperties: false,
};

const block: JSONSchemaType<AnatomyBlock> = {
  type: 'object',
  properties: { address: { type: 'string' }, executions: count, instructions: count, symbol: { type: 'string', nullable: true } },
  required: ['address', 'executions', 'instructions'],
  additionalProperties: false,
};

const func: JSONSchemaType<AnatomyFunction> = {
  type: 'object',
  properties: { symbol: { type: 'string' }, instructions: count },
  required: ['symbol', 'instructions'],
  additionalProperties: false,
};

const metric: JSONSchemaType<AnatomyMetric> = {
  type: 'object',
  properties: {
    metric: { type: 'string', minLength: 1 },
    // Operations per sample divide every per-operation figure: never 0.
    opsPerSample: { type: 'integer', minimum: 1 },
    index: count,
    ended: { type: 'boolean' },
    timerReads: count,
    // The begin mark's cycle (absent from a plugin older than it: PAIRED_READS).
    cycle: {
      type: 'object',
      properties: { reads: { type: 'integer', minimum: 1 }, open: count, close: count },
      required: ['reads', 'open', 'close'],
      additionalProperties: false,
      nullable: true,
    },
    windows: count,
    instructions: count,
    user: count,
    kernel: count,
    memAccesses: count,
    cr3Writes: count,
    transitions,
    windowSizes: {
      type: 'array',
      items: { type: 'array', items: [count, count], minItems: 2, maxItems: 2 },
    },
    blocks: { type: 'array', items: block },
    functions: { type: 'array', items: func, nullable: true },
    functionCount: { type: 'integer', minimum: 0, nullable: true },
  },
  required: [
    'metric',
    'opsPerSample',
    'index',
    'ended',
    'timerReads',
    'windows',
    'instructions',
    'user',
    'kernel',
    'memAccesses',
    'cr3Writes',
    'transitions',
    'windowSizes',
    'blocks',
  ],
  additionalProperties: false,
};

export const ANATOMY_DOCUMENT_SCHEMA: JSONSchemaType<AnatomyDocument> = {
  type: 'object',
  properties: {
    format: { type: 'string', const: 'harness-anatomy/1' },
    guest: { type: 'string', minLength: 1 },
    os: { type: 'string' },
    bits: { type: 'integer', enum: [32, 64] },
    kernelBase: { type: 'string' },
    unbalancedMarks: count,
    symbolSources: { type: 'array', items: { type: 'string' } },
    metrics: { type: 'array', items: metric },
  },
  required: ['format', 'guest', 'os', 'bits', 'kernelBase', 'unbalancedMarks', 'symbolSources', 'metrics'],
  additionalProperties: false,
};

let compiled: ValidateFunction<AnatomyDocument> | undefined;

/** A value as an error message shows it: short, whatever it is. */
function shown(value: unknown): string {
  const text = value === undefined ? 'nothing' : JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

function describeError(error: ErrorObject): string {
  const at = error.instancePath || '(the document)';
  return `at ${at} ${error.message ?? 'invalid'} (got ${shown(error.data)})`;
}

/** The problems that make `data` not an anatomy document, at most `limit` of them; empty when it is one. */
export function anatomyDocumentProblems(data: unknown, limit = 5): string[] {
  compiled ??= new Ajv({ allErrors: true, strict: true, verbose: true }).compile(ANATOMY_DOCUMENT_SCHEMA);
  if (compiled(data)) return [];
  const errors = compiled.errors ?? [];
  const shownErrors = errors.slice(0, limit).map(describeError);
  return errors.length > limit ? [...shownErrors, `and ${errors.length - limit} more`] : shownErrors;
}

/** Whether `data` is an anatomy document (anatomyDocumentProblems says why not). */
export function isAnatomyDocument(data: unknown): data is AnatomyDocument {
  return anatomyDocumentProblems(data).length === 0;
}
