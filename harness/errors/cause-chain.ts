/**
 * How many links of a cause chain are written out: deeper ones are wrappers of wrappers, and a
 * chain that loops back on itself must still end.
 */
export const MAX_CAUSES = 6;

/** The separator between an error and its cause when written on several lines, as the CLI prints it. */
export const CAUSE_LINES = '\n  caused by: ';

/** The separator when the chain must stay on one line (results.json, a manifest's reason). */
export const CAUSE_INLINE = ': caused by: ';

/**
 * The messages of `error` and of its causes, outermost first, at most `limit` of them. A thrown
 * value that is not an Error is written as a string; a cause that is neither an Error nor a string
 * or number ends the chain, since an arbitrary object (a process result, say) would print as
 * "[object Object]".
 */
export function causeMessages(error: unknown, limit = MAX_CAUSES): string[] {
  const messages: string[] = [];
  let link: unknown = error;
  while (messages.length < limit) {
    messages.push(link instanceof Error ? link.message : String(link));
    if (!(link instanceof Error)) break;
    const cause: unknown = link.cause;
    if (!(cause instanceof Error || typeof cause === 'string' || typeof cause === 'number')) break;
    link = cause;
  }
  return messages;
}

/** `error`'s message followed by each cause's, joined by `separator` (CAUSE_LINES or CAUSE_INLINE). */
export function formatCauseChain(error: unknown, separator: string = CAUSE_LINES, limit = MAX_CAUSES): string {
  return causeMessages(error, limit).join(separator);
}
