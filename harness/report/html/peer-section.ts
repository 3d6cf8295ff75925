import { unitCaveat } from '../../units.js';
import { PEER_HEADERS, peerRow } from '../markdown.js';
import type { PeerEntry } from '../../analysis/peers.js';
import type { ResultsDocument } from '../../analysis/results.js';
import { escapeHtml } from './escape.js';
import { htmlTable } from './html-table.js';

/** report.md's peer cross-check: another tool's benchmark of the same operation, in the same boots. */
export function peerSection(peers: readonly PeerEntry[]): string {
  if (peers.length === 0) return '';
  const notes = [
    ...[...new Set(peers.map((p) => `${p.guest}: ${p.conversion}`))].map((c) => `Conversion, ${escapeHtml(c)}.`),
    ...peers.flatMap((p) => [
      ...(p.reason !== undefined ? [`<strong>${escapeHtml(`${p.guest} ${p.peer} ${p.bench}`)}:</strong> ${escapeHtml(p.reason)}`] : []),
      ...p.boots
        .filter((b) => b.perOp === null)
        .map((b) => `${escapeHtml(`${p.guest} ${p.peer} ${p.bench}`)}, boot ${b.boot} output: <code>${escapeHtml(b.raw)}</code>`),
    ]),
  ];
  return [
    '<section id="peers">',
    '<h2>Peer cross-check</h2>',
    "<p>Debian's <code>perf bench</code>, run in the same boot after our benchmarks and pinned to vCPU 0 like them; its microseconds per operation " +
      '(gettimeofday around the whole loop) converted to our unit. The ratio is ours / perf. What each measures, and so which ratio to expect, ' +
      'is in docs/methodology.md ("Peer cross-check").</p>',
    htmlTable(PEER_HEADERS, peers.map(peerRow)),
    ...[...new Set(peers.flatMap((p) => unitCaveat(p.unit) ?? []))].map((c) => `<p class="caveat"><strong>${escapeHtml(c)}</strong></p>`),
    `<ul>\n${notes.map((n) => `<li>${n}</li>`).join('\n')}\n</ul>`,
    '</section>',
  ].join('\n');
}

/** Guests or benchmarks that were skipped or failed, with why and how to run them. */
export function notRunSection(id: string, title: string, entries: ResultsDocument['skipped']): string {
  if (entries.length === 0) return '';
  const items = entries.map((e) => `<li>${escapeHtml(`${e.guest}${e.metric ? ` ${e.metric}` : ''}: ${e.reason}${e.howTo ? ` (${e.howTo})` : ''}`)}</li>`);
  return [`<section id="${id}">`, `<h2>${escapeHtml(title)}</h2>`, '<ul>', ...items, '</ul>', '</section>'].join('\n');
}
