import { executorSummary } from './executor-summary.js';
import { overridesCommandLine } from '../config/overrides.js';
import { groupGuestName, hostGroups } from '../analysis/host-groups.js';
import type { Manifest } from '../rundir/manifest.js';
import type { BootstrapConfig } from '../config/types.js';
import { resultsCsv } from './results-csv.js';
import { resultsJson } from './results-json.js';
import { samplesCsvChunks } from './samples-csv.js';
import type { RunFileContent } from './run-file-content.js';
import { crossOsTables } from '../analysis/cross-os.js';
import { figureSamplesFromStreams, type BootStream, type FigureSamples } from '../analysis/figure-samples.js';
import { reportHtml } from './html/report-html.js';
import { reportMarkdown, type ReportContext } from './markdown.js';
import type { ResultEntry, ResultsDocument } from '../analysis/results.js';
import { guestTerms } from './terms.js';
import { describeTimer, timerFacts } from '../analysis/timer.js';
import type { AnatomyDocument } from '../analysis/anatomy.js';

export interface RunFilesInput {
  /** The run's manifest; for a report merged from several runs, each source run's, in order. */
  manifests: readonly Manifest[];
  doc: ResultsDocument;
  streams: readonly BootStream[];
  bootstrap: BootstrapConfig;
  /** Guest the cross-OS ratios are taken against; default the first guest with figures. */
  baseline?: string;
  /** The guests' anatomy documents (guests/<name>/anatomy.json, report/anatomy-input.ts); absent is the same as none. */
  anatomy?: readonly AnatomyDocument[];
  /**
   * doc.results with the values behind each, when the caller has them (loadRunData keeps what the
   * statistics computed); absent, they are derived again from the streams, the same values.
   */
  figures?: readonly FigureSamples[];
}

export interface RunFile {
  /** Path inside the run directory. */
  name: string;
  /** Text, or chunks for a file that grows with the samples (run-file-content.ts). */
  content: RunFileContent;
}

/** The files every report is made of, in the order they are written. */
export const REPORT_FILES = ['results.json', 'results.csv', 'samples.csv', 'report.md', 'report.html'] as const;

/**
 * Every report file of a run, derived only from the manifest, the results document and the raw
 * streams: the runner writes these as it goes, and `harness report` / `harness verify` derive them
 * again from archived data, so the same inputs must give the same bytes.
 */
export async function renderRunFiles(input: RunFilesInput): Promise<RunFile[]> {
  const { doc, manifests } = input;
  const { figures, crossOs } = comparison(input);
  const context = reportContext(manifests, doc.results);
  const anatomy = input.anatomy ?? [];
  return [
    { name: 'results.json', content: resultsJson(doc, crossOs) },
    { name: 'results.csv', content: resultsCsv(doc.results, crossOs) },
    { name: 'samples.csv', content: samplesCsvChunks(input.streams) },
    { name: 'report.md', content: reportMarkdown(doc, context, crossOs, anatomy, figures) },
    { name: 'report.html', content: await reportHtml({ doc, context, figures, crossOs, manifests, anatomy }) },
  ];
}

function comparison(input: Pick<RunFilesInput, 'doc' | 'streams' | 'baseline' | 'bootstrap' | 'figures'>) {
  const figures = input.figures ?? figureSamplesFromStreams(input.doc, input.streams);
  return { figures, crossOs: crossOsTables(figures, { baseline: input.baseline, bootstrap: input.bootstrap }) };
}

/**
 * results.json alone, as renderRunFiles gives it: what the runner rewrites after each boot, cheaply,
 * so that a run killed midway keeps its figures so far and why a guest was skipped or failed (which
 * `harness report` takes from it), while the rendered reports wait for the run's end.
 */
export function renderResultsJson(input: Pick<RunFilesInput, 'doc' | 'streams' | 'baseline' | 'bootstrap'>): RunFile {
  return { name: 'results.json', content: resultsJson(input.doc, comparison(input).crossOs) };
}

export function reportContext(manifests: readonly Manifest[], results: readonly ResultEntry[]): ReportContext {
  return {
    createdAt: manifests[0]?.startedAt ?? 'unknown',
    mergedFrom: manifests.length > 1 ? manifests.map((m) => m.runId) : [],
    executors: manifests.flatMap((m) => executorSummary(m) ?? []),
    overrides: manifests.flatMap((m) => (m.overrides ? [{ runId: m.runId, line: overridesCommandLine(m.overrides) }] : [])),
    guests: manifests.flatMap((manifest) =>
      manifest.guests
        .filter((g) => g.status !== 'skipped')
        .flatMap((g) => {
          // A guest whose boots ran on different CPU models (or accelerators) has a section per group.
          const groups = hostGroups(g, manifest.executor?.jobs);
          const parts =
            groups.length > 1
              ? groups.map((group) => ({ name: groupGuestName(g.name, group), accel: group.accel, boots: g.boots.filter((b) => group.boots.includes(b.boot)) }))
              : [{ name: g.name, accel: g.accel, boots: g.boots }];
          return parts.map(({ name, accel, boots }) => ({
            name,
            runId: manifest.runId,
            accel: accel ?? 'none',
            accelReason: accel === 'native' ? 'an ssh target: no QEMU, the payload ran on the machine itself' : (manifest.accel.reason ?? ''),
            vcpus: g.vcpusUsed ?? g.vcpusConfigured,
            boots: boots.length,
            hostWarnings: g.hostConditions?.warnings ?? [],
            kernel: boots[0]?.guestInfo.kernel ?? 'unknown',
            timer: boots[0] ? describeTimer(timerFacts(boots[0].guestInfo)) : 'unknown',
            terms: guestTerms(
              g,
              boots,
              results.filter((r) => r.guest === name),
              accel,
            ),
          }));
        }),
    ),
  };
}
