import { expect } from 'chai';
import { describeDifference, firstDifference } from '../../harness/archive/first-difference.js';
import { isPlainRelativePath } from '../../harness/rundir/raw-inputs.js';
import { formatSha256Sums, parseSha256Sums } from '../../harness/archive/sha256sums.js';

describe('archive helpers', () => {
  describe('SHA256SUMS', () => {
    it('round-trips, and reads binary-mode lines as sha256sum -c does', () => {
      const text = formatSha256Sums([
        { path: 'a.txt', bytes: Buffer.from('a') },
        { path: 'dir/b', bytes: Buffer.from('') },
      ]);
      expect(text).to.equal(
        'ca978112ca1bbdcafac231b39a23dc4da786eff8147c4e72b9807785afee48bb  a.txt\n' +
          'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855  dir/b\n',
      );
      expect(parseSha256Sums(text.replace('  dir/b', ' *dir/b')).get('dir/b')).to.equal('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    });

    it('names the line that does not parse, and a file listed twice', () => {
      expect(() => parseSha256Sums('abc  x\n')).to.throw('expected SHA256SUMS line 1 to be "<64 hex digits>  <path>", got "abc  x"');
      const line = `${'0'.repeat(64)}  x\n`;
      expect(() => parseSha256Sums(line + line)).to.throw('expected each file once in SHA256SUMS, got x again on line 2');
    });

    it('refuses names sha256sum would have to escape', () => {
      expect(() => formatSha256Sums([{ path: 'a\nb', bytes: Buffer.alloc(0) }])).to.throw(/without backslashes or line breaks/);
    });
  });

  describe('firstDifference', () => {
    it('gives the first differing line and column, with the text around it', () => {
      const difference = firstDifference('a\nbcd\ne', 'a\nbXd\ne')!;
      expect(difference).to.deep.equal({ line: 2, column: 2, expected: 'bcd', got: 'bXd' });
      expect(describeDifference(difference)).to.equal('first differs at line 2, column 2: archived "bcd", regenerated "bXd"');
      expect(firstDifference('same', 'same')).to.equal(undefined);
    });

    it('shows where a long line differs, not only its start', () => {
      const long = 'x'.repeat(200);
      const difference = firstDifference(`${long}A${long}`, `${long}B${long}`)!;
      expect(difference.column).to.equal(201);
      expect(difference.expected).to.equal(`…${'x'.repeat(30)}A${'x'.repeat(69)}…`);
    });

    it('says when one text has lines the other lacks', () => {
      const difference = firstDifference('a\n', 'a\nb\n')!;
      expect(describeDifference(difference)).to.equal('first differs at line 2, column 1: archived "", regenerated "b"');
      expect(describeDifference(firstDifference('a\nb', 'a')!)).to.equal('first differs at line 2, column 1: archived "b", regenerated (no such line)');
    });
  });

  describe('isPlainRelativePath', () => {
    it('accepts paths that stay inside the folder, and nothing else', () => {
      for (const good of ['a', 'a/b.txt', 'guests/linux/boot-1/data.bin', 'a..b']) expect(isPlainRelativePath(good), good).to.equal(true);
      for (const bad of ['', '/etc/passwd', '../x', 'a/../../x', 'a/./b', 'a//b', 'a/', 'C:/x', 'a\\..\\b', 'a\0b'])
        expect(isPlainRelativePath(bad), bad).to.equal(false);
    });
  });
});
