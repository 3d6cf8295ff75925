// Preloaded into a harness process (node --import) by tests that bound its memory: samples
// process.memoryUsage() every 10 ms and, at exit, writes the start and peak figures as JSON to
// $HB_MEMORY_REPORT. Plain JavaScript so it loads without the TypeScript loader.
import { writeFileSync } from 'node:fs';

const report = process.env.HB_MEMORY_REPORT;
if (report) {
  const start = process.memoryUsage();
  const peak = { rss: start.rss, heapUsed: start.heapUsed, external: start.external, arrayBuffers: start.arrayBuffers };
  const sample = () => {
    const now = process.memoryUsage();
    for (const key of Object.keys(peak)) peak[key] = Math.max(peak[key], now[key]);
  };
  setInterval(sample, 10).unref();
  process.on('exit', () => {
    sample();
    const end = process.memoryUsage();
    // maxRSS (KiB) is the kernel's own peak, which catches spikes between samples.
    const maxRss = process.resourceUsage().maxRSS * 1024;
    writeFileSync(report, JSON.stringify({ start, end, peak: { ...peak, rss: Math.max(peak.rss, maxRss) }, maxRss }));
  });
}
