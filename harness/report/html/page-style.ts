/**
 * The page's only style sheet, inlined: the file is opened from disk, offline, and printed.
 * System fonts only; charts keep their own fonts inside their SVGs.
 */
export const PAGE_STYLE = `
:root { color-scheme: light; }
body { font: 15px/1.45 Helvetica, Arial, sans-serif; color: #1b1b1b; background: #fff; margin: 0 auto; padding: 24px 32px 64px; max-width: 1180px; }
h1 { font-size: 26px; margin: 0 0 6px; }
h2 { font-size: 21px; margin: 40px 0 10px; padding-top: 8px; border-top: 2px solid #ddd; }
h3 { font-size: 17px; margin: 26px 0 8px; }
h4 { font-size: 15px; margin: 20px 0 4px; font-family: ui-monospace, Menlo, Consolas, monospace; font-weight: 600; }
.dim { color: #666; font-weight: normal; }
nav.toc { font-size: 14px; margin: 12px 0 0; }
nav.toc a { margin-right: 14px; }
a { color: #0060a0; }
code { font-family: ui-monospace, Menlo, Consolas, monospace; font-size: 0.92em; }
p.banner { background: #fff3cd; border: 1px solid #e0c46c; padding: 8px 12px; }
p.caveat, div.flags { background: #fdf0ec; border-left: 4px solid #d55e00; padding: 6px 12px; }
div.flags ul { margin: 4px 0; padding-left: 20px; }
table { border-collapse: collapse; margin: 10px 0 14px; font-size: 13px; }
th, td { border-bottom: 1px solid #e2e2e2; padding: 4px 9px; text-align: left; vertical-align: top; }
thead th { border-bottom: 2px solid #bbb; background: #f6f6f6; white-space: nowrap; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
table.facts th { width: 210px; font-weight: 600; background: #f8f8f8; }
figure.chart { margin: 6px 0; }
figure.chart svg { display: block; max-width: 100%; height: auto; }
.pair { display: flex; flex-wrap: wrap; gap: 12px 28px; align-items: flex-end; }
@media print { body { max-width: none; padding: 0; } .distribution, .cross-os figure { break-inside: avoid; } }
`;
