/** Console text made safe to quote in an error: escape sequences and carriage returns out, other control bytes as '.'. */
export function printable(text: string): string {
  const clean = text
    .replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '')
    .replace(/\r/g, '')
    .replace(/[^\x20-\x7e\n\t]/g, '.');
  return clean.trim() === '' ? '(no console output)' : clean;
}
