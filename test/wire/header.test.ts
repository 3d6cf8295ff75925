import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { RecordType, WIRE_HEADER_BYTES, WIRE_MAGIC, WIRE_MAX_PAYLOAD, WIRE_VERSION, WireKey } from '../../harness/wire/constants.js';

const headerPath = fileURLToPath(new URL('../../guests/common/wire.h', import.meta.url));

function macros(): Map<string, string> {
  const found = new Map<string, string>();
  for (const match of readFileSync(headerPath, 'utf8').matchAll(/^#define[ \t]+(HB_\w+)[ \t]+(\S+)/gm)) {
    found.set(match[1]!, match[2]!);
  }
  return found;
}

const number = (text: string | undefined) => Number(text?.replace(/u$/, ''));

describe('wire constants agree with guests/common/wire.h', () => {
  const defined = macros();

  it('has the same magic, version and sizes', () => {
    expect(number(defined.get('HB_WIRE_MAGIC'))).to.equal(WIRE_MAGIC);
    expect(number(defined.get('HB_WIRE_VERSION'))).to.equal(WIRE_VERSION);
    expect(number(defined.get('HB_WIRE_HEADER_BYTES'))).to.equal(WIRE_HEADER_BYTES);
    expect(number(defined.get('HB_WIRE_MAX_PAYLOAD'))).to.equal(WIRE_MAX_PAYLOAD);
  });

  it('has the same record types, no more, no fewer', () => {
    const inHeader = Object.fromEntries([...defined].filter(([k]) => k.startsWith('HB_REC_')).map(([k, v]) => [k.slice(7), number(v)]));
    expect(inHeader).to.deep.equal(RecordType);
  });

  it('has the same keys, no more, no fewer', () => {
    const inHeader = Object.fromEntries([...defined].filter(([k]) => k.startsWith('HB_KEY_')).map(([k, v]) => [k.slice(7), JSON.parse(v)]));
    expect(inHeader).to.deep.equal(WireKey);
  });

  it('the magic spells HBWR in memory order', () => {
    const bytes = Buffer.alloc(4);
    bytes.writeUInt32LE(WIRE_MAGIC, 0);
    expect(bytes.toString('latin1')).to.equal('HBWR');
  });
});
