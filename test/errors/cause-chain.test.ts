import { expect } from 'chai';
import { CAUSE_INLINE, causeMessages, formatCauseChain, MAX_CAUSES } from '../../harness/errors/cause-chain.js';

describe('cause chains', () => {
  const chain = new Error('could not write results.json', { cause: new Error('EACCES: permission denied', { cause: new Error('read-only file system') }) });

  it('lists the message of the error and of each cause, outermost first', () => {
    expect(causeMessages(chain)).to.deep.equal(['could not write results.json', 'EACCES: permission denied', 'read-only file system']);
  });

  it('writes them one per line as the CLI prints them, or on one line for results.json', () => {
    expect(formatCauseChain(chain)).to.equal('could not write results.json\n  caused by: EACCES: permission denied\n  caused by: read-only file system');
    expect(formatCauseChain(chain, CAUSE_INLINE)).to.equal(
      'could not write results.json: caused by: EACCES: permission denied: caused by: read-only file system',
    );
  });

  it('stops at the limit, also for a chain that loops', () => {
    const a = new Error('a');
    const b = new Error('b', { cause: a });
    (a as { cause?: unknown }).cause = b;
    expect(causeMessages(a)).to.have.length(MAX_CAUSES);
    expect(causeMessages(chain, 2)).to.deep.equal(['could not write results.json', 'EACCES: permission denied']);
  });

  it('writes a thrown non-Error as a string, keeps a text cause, and ends at a cause that is a plain object', () => {
    expect(formatCauseChain('plain text')).to.equal('plain text');
    expect(causeMessages(new Error('outer', { cause: 'inner text' }))).to.deep.equal(['outer', 'inner text']);
    expect(causeMessages(new Error('outer', { cause: { exitCode: 3 } }))).to.deep.equal(['outer']);
  });
});
