/**
 * Text widths for chart layout without a canvas. vega lays out axes and labels from text widths;
 * with no node-canvas it guesses 0.8 em per character, which leaves wide gaps and truncates
 * labels that would fit. These are Helvetica's advance widths (its AFM, in 1/1000 em; Arial and
 * Liberation Sans, what browsers substitute for it, share them): as deterministic as the guess,
 * and close to what a browser draws.
 */
const HELVETICA_ASCII = [
  278,
  278,
  355,
  556,
  556,
  889,
  667,
  191,
  333,
  333,
  389,
  584,
  278,
  333,
  278,
  278, // space to /
  556,
  556,
  556,
  556,
  556,
  556,
  556,
  556,
  556,
  556,
  278,
  278,
  584,
  584,
  584,
  556, // 0 to ?
  1015,
  667,
  667,
  722,
  722,
  667,
  611,
  778,
  722,
  278,
  500,
  667,
  556,
  833,
  722,
  778, // @ to O
  667,
  778,
  722,
  667,
  611,
  722,
  667,
  944,
  667,
  667,
  611,
  278,
  278,
  278,
  469,
  556, // P to _
  333,
  556,
  556,
  500,
  556,
  556,
  278,
  556,
  556,
  222,
  222,
  500,
  222,
  833,
  556,
  556, // ` to o
  556,
  556,
  333,
  500,
  278,
  556,
  500,
  722,
  500,
  500,
  500,
  334,
  260,
  334,
  584, // p to ~
];

/** Characters outside ASCII (·, ≤, µ, –, …): about the width of a digit. */
const OTHER = 600;
/** Bold Helvetica is this much wider on average. */
const BOLD = 1.08;

export function textWidth(text: string, fontSize: number, bold = false): number {
  let units = 0;
  for (const ch of text) {
    const code = ch.codePointAt(0)!;
    units += code >= 32 && code <= 126 ? HELVETICA_ASCII[code - 32]! : OTHER;
  }
  return (units / 1000) * fontSize * (bold ? BOLD : 1);
}
