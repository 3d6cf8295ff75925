/**
 * A chart in the page: its SVG, with what it should hold in data attributes (the class of its
 * data marks and how many), so a test in a browser can check that it drew them.
 */
export function chartFigure(kind: string, markClass: string, marks: number, svg: string, extra = ''): string {
  return `<figure class="chart chart-${kind}" data-chart="${kind}" data-mark-class="${markClass}" data-marks="${marks}"${extra}>\n${svg}\n</figure>`;
}
