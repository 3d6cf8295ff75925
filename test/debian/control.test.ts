import { expect } from 'chai';
import { matchStanzas, parseStanzas } from '../../harness/debian/control.js';

const SHOW = `Package: linux-perf
Source: linux
Version: 6.1.176-1
Architecture: amd64
Depends: libc6 (>= 2.34), libperl5.36 (>= 5.36.0), perl:any
Description: Performance analysis tools for Linux
 A continuation line: not a field.
SHA256: 0000000000000000000000000000000000000000000000000000000000000001

Package: linux-perf
Version: 6.1.192-3
Architecture: amd64
SHA256: b305d33042097b18097f546a4958889160bcb47efaef82f52d7a4317ff22dc6e

Package: perl-modules-5.36
Version: 5.36.0-7+deb12u4
Architecture: all
`;

describe('Debian control stanzas', () => {
  it('reads the fields of each stanza, leaving continuation lines out', () => {
    const stanzas = parseStanzas(SHOW);
    expect(stanzas).to.have.length(3);
    expect(stanzas[0]).to.deep.include({ Package: 'linux-perf', Version: '6.1.176-1', Depends: 'libc6 (>= 2.34), libperl5.36 (>= 5.36.0), perl:any' });
    expect(stanzas[0]!['SHA256']).to.match(/1$/);
    expect(Object.keys(stanzas[0]!)).not.to.include(' A continuation line');
    expect(stanzas[2]).to.deep.equal({ Package: 'perl-modules-5.36', Version: '5.36.0-7+deb12u4', Architecture: 'all' });
    expect(parseStanzas('')).to.deep.equal([]);
    // dpkg-deb --field of one package, blank lines around it.
    expect(parseStanzas('\nPackage: a\nVersion: 1\n\n\n')).to.deep.equal([{ Package: 'a', Version: '1' }]);
  });

  it('finds the stanza of each package asked for, in the order asked, and none for what apt skipped', () => {
    const stanzas = parseStanzas(SHOW);
    const [older, candidate, missing, modules] = matchStanzas(
      [{ name: 'linux-perf', version: '6.1.176-1' }, { name: 'linux-perf' }, { name: 'libc6' }, { name: 'perl-modules-5.36' }],
      stanzas,
    );
    expect(older!['Version']).to.equal('6.1.176-1');
    // Not the stanza already taken by the versioned ask before it.
    expect(candidate!['Version']).to.equal('6.1.192-3');
    expect(missing).to.equal(undefined);
    expect(modules!['Architecture']).to.equal('all');
    expect(matchStanzas([{ name: 'linux-perf', version: '9.9' }], stanzas)).to.deep.equal([undefined]);
  });
});
