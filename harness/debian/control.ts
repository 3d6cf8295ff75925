/** Fields of one control stanza (apt-cache show, dpkg-deb --field); continuation lines are left out. */
export type Stanza = Record<string, string>;

/** The stanzas of a control text, in order; blank lines separate them. */
export function parseStanzas(text: string): Stanza[] {
  const stanzas: Stanza[] = [];
  for (const block of text.split(/\n[ \t]*\n/)) {
    const stanza: Stanza = {};
    for (const line of block.split('\n')) {
      const field = /^([A-Za-z0-9][A-Za-z0-9-]*):[ \t]*(.*)$/.exec(line);
      if (field) stanza[field[1]!] = field[2]!.trimEnd();
    }
    if (Object.keys(stanza).length > 0) stanzas.push(stanza);
  }
  return stanzas;
}

/**
 * The stanza apt-cache show printed for each wanted package, or undefined where it printed none.
 * apt-cache prints them in the order it was asked, skipping (with exit code 0) a package or a
 * version it does not know, so each is looked for after the one before.
 */
export function matchStanzas(wanted: readonly { name: string; version?: string }[], stanzas: readonly Stanza[]): (Stanza | undefined)[] {
  let next = 0;
  return wanted.map(({ name, version }) => {
    const at = stanzas.findIndex((s, i) => i >= next && s['Package'] === name && (version === undefined || s['Version'] === version));
    if (at < 0) return undefined;
    next = at + 1;
    return stanzas[at];
  });
}
