import { expect } from 'chai';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { projectRoot } from '../../harness/paths.js';
import { linuxAdapter } from '../../harness/guests/linux/adapter.js';
import { testFaultFor, TEST_FAULT_ENV } from '../../harness/guests/test-fault.js';

describe('HB_TEST_FAULT (test-only fault injection)', () => {
  it('gives each named guest its fault and others none', () => {
    const env = { [TEST_FAULT_ENV]: 'faulty=panic, other=no-kernel' };
    expect(testFaultFor('faulty', env)).to.equal('panic');
    expect(testFaultFor('other', env)).to.equal('no-kernel');
    expect(testFaultFor('healthy', env)).to.equal(undefined);
    expect(testFaultFor('faulty', {})).to.equal(undefined);
  });

  it('refuses a malformed value rather than running without the fault', () => {
    expect(() => testFaultFor('x', { [TEST_FAULT_ENV]: 'x=melt' })).to.throw(/expected HB_TEST_FAULT to be GUEST=FAULT\[,GUEST=FAULT\.\.\.\] with FAULT one of hang-at-boot, hang-mid-benchmark, panic, panic-at-boot, no-kernel, got 'x=melt'/);
    expect(() => testFaultFor('x', { [TEST_FAULT_ENV]: 'panic' })).to.throw(/GUEST=FAULT/);
  });

  it('is never read from a config: no key of the config schema names a fault', async () => {
    const schema = await readFile(join(projectRoot, 'configs', 'schema.json'), 'utf8');
    const keys = [...schema.matchAll(/"([A-Za-z]+)"\s*:/g)].map((m) => m[1]!);
    expect(keys.filter((k) => k !== 'default' && /fault/i.test(k))).to.deep.equal([]);
    expect(linuxAdapter.os).to.equal('linux');
  });
});
