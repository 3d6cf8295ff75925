import { expect } from 'chai';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { guestsDir } from '../../../harness/paths.js';

/**
 * guests/gnumach/window.h spells out hb_timer_now()'s two read sequences again, as they must sit in
 * one asm statement with the trap; they have to stay the ones every other sample is taken with.
 */
describe('GNU Mach timed traps read the timer as common/timer.h does', () => {
  /** The asm templates of a file's string literals, escapes as written ("rdtscp\n\tlfence"). */
  const literals = (text: string) => [...text.matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((m) => m[1]!);
  /** An asm sequence without its separators, as a list of instructions. */
  const instructions = (asm: string) => asm.split(/\\n\\t|\\n/).filter((s) => s !== '');

  it('uses exactly the rdtscp and lfence sequences of hb_timer_now()', async () => {
    const timer = await readFile(join(guestsDir, 'common', 'timer.h'), 'utf8');
    const window = await readFile(join(guestsDir, 'gnumach', 'window.h'), 'utf8');
    const now = timer.slice(timer.indexOf('static inline uint64_t hb_timer_now(void)'));
    const reads = literals(now.slice(0, now.indexOf('\n}\n')))
      .filter((l) => l.includes('rdtsc'))
      .map(instructions);
    expect(reads).to.deep.equal([
      ['rdtscp', 'lfence'],
      ['lfence', 'rdtsc', 'lfence'],
    ]);
    const define = (name: string) => instructions(literals(window.match(new RegExp(`^#define ${name} (.*)$`, 'm'))![1]!)[0]!);
    expect([define('HB_WINDOW_READ_RDTSCP'), define('HB_WINDOW_READ_LFENCE')]).to.deep.equal(reads);
  });
});
