import { expect } from 'chai';
import { chooseReporterKind } from '../../../harness/cli/progress/index.js';

describe('choosing the progress reporter', () => {
  it('is live on a terminal, lines otherwise, and JSON whenever --json is given', () => {
    expect(chooseReporterKind({ json: false, isTTY: true, term: 'xterm-256color' })).to.equal('live');
    expect(chooseReporterKind({ json: false, isTTY: true })).to.equal('live');
    expect(chooseReporterKind({ json: false, isTTY: false, term: 'xterm' })).to.equal('lines');
    expect(chooseReporterKind({ json: true, isTTY: true })).to.equal('json');
    expect(chooseReporterKind({ json: true, isTTY: false })).to.equal('json');
  });

  it('writes lines to a dumb terminal, which cannot erase a line', () => {
    expect(chooseReporterKind({ json: false, isTTY: true, term: 'dumb' })).to.equal('lines');
  });
});
