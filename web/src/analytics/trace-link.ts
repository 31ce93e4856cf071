/** Where the server's trace template puts the trace id (`CHAINMAIL_TRACE_URL_TEMPLATE`). */
const PLACEHOLDER = '{traceId}';

/**
 * The trace viewer's address of a run's trace, or null when there is no template or no trace id
 * (a run projected before trace ids were kept), or the result is not an http(s) address.
 */
export function traceUrl(
  template: string | null | undefined,
  traceId: string | null | undefined,
): string | null {
  if (!template || !traceId || !template.includes(PLACEHOLDER)) return null;
  const url = template.replaceAll(PLACEHOLDER, encodeURIComponent(traceId));
  return /^https?:\/\//i.test(url) ? url : null;
}
