import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv, type ValidateFunction } from 'ajv';
import { projectRoot } from '../paths.js';
import { unitForAccel } from '../units.js';
import { describeSchemaErrors } from '../rundir/run-file.js';
import { RESULTS_SCHEMA_VERSION, type ResultsDocument } from './results.js';

let validator: ValidateFunction | undefined;

/** results.schema.json compiled once: the one declaration of results.json's shape. */
function validate(): ValidateFunction {
  validator ??= new Ajv({ allErrors: true, strict: false }).compile(
    JSON.parse(readFileSync(join(projectRoot, 'harness', 'analysis', 'results.schema.json'), 'utf8')) as object,
  );
  return validator;
}

/**
 * results.json's text parsed and checked against results.schema.json, and each figure's unit
 * against its accelerator (a unit is the accelerator's, units.ts): an edited file is refused with
 * the file and field named rather than failing later on a property it lacks.
 */
export function parseResultsDocument(text: string, file: string): ResultsDocument {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new Error(`expected ${file} to be JSON, got text that does not parse`, { cause: error });
  }
  const version = (data as { schemaVersion?: unknown } | null)?.schemaVersion;
  if (version !== RESULTS_SCHEMA_VERSION) throw new Error(`expected results.json schema version ${RESULTS_SCHEMA_VERSION} in ${file}, got ${String(version)}`);
  const fn = validate();
  if (!fn(data))
    throw new Error(`expected ${file} to be a results document (results.schema.json), got one edited or damaged: ${describeSchemaErrors(fn.errors, data)}`);
  const doc = data as ResultsDocument;
  doc.results.forEach((entry, i) => {
    const unit = unitForAccel(entry.accel);
    if (entry.unit !== unit) {
      throw new Error(
        `expected results.${i}.unit in ${file} (${entry.guest} ${entry.metric}) to be ${unit}, the unit of accelerator ${entry.accel}, got ${entry.unit}`,
      );
    }
  });
  return doc;
}
