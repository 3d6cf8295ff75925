import { expect } from 'chai';
import { existsSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser } from 'playwright-core';
import { reportHtml } from '../../../harness/report/html/report-html.js';
import { syntheticReport } from './synthetic-report.js';

/** Debian's chromium (scripts/setup.sh installs it); playwright-core brings no browser of its own. */
const CHROMIUM = '/usr/bin/chromium';

/** What the page shows of one chart, read in the browser. */
interface DrawnChart {
  kind: string;
  width: number;
  height: number;
  expectedMarks: number;
  marks: number;
  whiskers: number | null;
  texts: number;
}

describe('@host report.html in headless Chromium', function () {
  this.timeout(180_000);
  let browser: Browser | undefined;

  before(async function () {
    if (!existsSync(CHROMIUM)) {
      console.warn(`      skipped: ${CHROMIUM} is absent (apt-get install chromium, as scripts/setup.sh does)`);
      this.skip();
    }
    // Imported here, not at the top: loading playwright-core takes a while, and the unit tier,
    // which leaves this test out, still loads this file.
    const { chromium } = await import('playwright-core');
    browser = await chromium.launch({ executablePath: CHROMIUM });
  });

  after(async () => {
    await browser?.close();
  });

  it('draws every chart offline, without errors, and saves a screenshot', async () => {
    const input = syntheticReport({ samplesPerBoot: 2000, boots: 3 });
    const dir = await mkdtemp(join(tmpdir(), 'report-html-'));
    const file = join(dir, 'report.html');
    await writeFile(file, await reportHtml(input));

    const context = await browser!.newContext({ viewport: { width: 1280, height: 900 }, offline: true });
    const requested: string[] = [];
    await context.route('**/*', (route) => (route.request().url().startsWith('file:') ? route.continue() : route.abort()));
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('request', (request) => requested.push(request.url()));
    page.on('console', (message) => {
      if (message.type() === 'error' || message.type() === 'warning') errors.push(`${message.type()}: ${message.text()}`);
    });
    page.on('pageerror', (error) => errors.push(`page error: ${error.message}`));

    const url = pathToFileURL(file).href;
    await page.goto(url, { waitUntil: 'load' });

    const charts = await page.$$eval('figure.chart', (figures) =>
      figures.map((figure) => {
        const svg = figure.querySelector('svg')!;
        const box = svg.getBoundingClientRect();
        const markClass = figure.getAttribute('data-mark-class')!;
        const whiskerClass = figure.getAttribute('data-whisker-class');
        return {
          kind: figure.getAttribute('data-chart')!,
          width: box.width,
          height: box.height,
          expectedMarks: Number(figure.getAttribute('data-marks')),
          marks: svg.querySelectorAll(`g.${markClass} > path`).length,
          whiskers: whiskerClass ? svg.querySelectorAll(`g.${whiskerClass} > line`).length : null,
          texts: [...svg.querySelectorAll('text')].filter((t) => t.getBBox().width > 0).length,
        };
      }),
    );
    const scripts = await page.evaluate(() => document.scripts.length);
    const shot = join(dir, 'report.png');
    await page.screenshot({ path: shot, fullPage: true });
    console.log(`      screenshot: ${shot}`);
    await context.close();

    expect(
      requested.filter((u) => u !== url),
      'requests other than the file itself',
    ).to.deep.equal([]);
    expect(errors).to.deep.equal([]);
    expect(scripts).to.equal(0);
    const count = (kind: string) => charts.filter((c: DrawnChart) => c.kind === kind).length;
    expect([count('bars'), count('histogram'), count('cdf')]).to.deep.equal([input.crossOs.length, input.figures.length, input.figures.length]);
    for (const chart of charts as DrawnChart[]) {
      expect(chart.width, `${chart.kind} width`).to.be.greaterThan(100);
      expect(chart.height, `${chart.kind} height`).to.be.greaterThan(100);
      expect(chart.marks, `${chart.kind} marks`).to.equal(chart.expectedMarks);
      expect(chart.expectedMarks, `${chart.kind} marks`).to.be.greaterThan(0);
      // Titles, axis labels and titles at the least.
      expect(chart.texts, `${chart.kind} text`).to.be.greaterThan(5);
    }
    const bars = (charts as DrawnChart[]).filter((c) => c.kind === 'bars');
    expect(bars.map((c) => c.marks)).to.deep.equal(input.crossOs.map((t) => t.rows.length));
    expect(bars.map((c) => c.whiskers)).to.deep.equal(input.crossOs.map((t) => t.rows.length));
    // Each CDF: the pooled curve and one per boot.
    expect((charts as DrawnChart[]).filter((c) => c.kind === 'cdf').map((c) => c.marks)).to.deep.equal(input.figures.map(() => 4));
  });
});
