import { expect } from 'chai';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exitCodeForError, ExitCode } from '../../harness/cli/exit-codes.js';
import { HostToolError } from '../../harness/errors/host-tool-error.js';
import { buildPayload } from '../../harness/guests/payload-build.js';

describe('payload build', () => {
  it('says the compiler is missing as a host tool error, which the CLI exits 3 for', async () => {
    const cacheDir = await mkdtemp(join(tmpdir(), 'hb-payload-'));
    try {
      const error = await buildPayload({ os: 'linux', cacheDir, compiler: 'hb-no-such-compiler' }).then(
        () => expect.fail('built a payload without a compiler'),
        (e: unknown) => e,
      );
      expect(error).to.be.instanceOf(HostToolError).and.to.include({ tool: 'hb-no-such-compiler' });
      expect((error as Error).message).to.equal('expected hb-no-such-compiler on PATH to build the linux payload, got none: install gcc (Debian: apt-get install gcc) or put it on PATH');
      expect(exitCodeForError(error)).to.equal(ExitCode.HOST_TOOL);
    } finally {
      await rm(cacheDir, { recursive: true, force: true });
    }
  });

  it("puts the compiler's own error in the message, which the console and report.md show", async () => {
    const cacheDir = await mkdtemp(join(tmpdir(), 'hb-payload-'));
    try {
      const error = await buildPayload({ os: 'linux', cacheDir, extraFlags: ['-include', '/hb-no-such-header.h'] }).then(
        () => expect.fail('built a payload that includes a missing header'),
        (e: unknown) => e as Error,
      );
      expect(error.message).to.match(/^building the linux payload with gcc failed: .*fatal error: \/hb-no-such-header\.h: No such file or directory/);
    } finally {
      await rm(cacheDir, { recursive: true, force: true });
    }
  });
});
