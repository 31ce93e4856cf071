/** Header fields of one message at most, over all its parts (a normal mail has a few dozen). */
export const MAX_MAIL_HEADERS = 1000;
/** multipart inside multipart at most (a normal mail nests two or three). */
export const MAX_MIME_DEPTH = 16;
/** MIME parts of one message at most. */
export const MAX_MIME_PARTS = 500;

/**
 * Measures a raw message's header fields and MIME structure in one pass over its lines, before
 * mailparser builds anything: what crosses a bound comes back as the reason, else undefined.
 * Boundaries are read from each part's Content-Type, so nesting is counted as mailparser
 * would see it; a boundary line closes every part opened inside it.
 */
export function checkMailBounds(raw: Buffer): string | undefined {
  const text = raw.toString('latin1');
  const open: string[] = [];
  let inHeader = true;
  /** The header field being read (folded lines joined), and the part's Content-Type. */
  let field = '';
  let contentType = '';
  let headers = 0;
  let parts = 1;
  for (let pos = 0; pos < text.length;) {
    let end = text.indexOf('\n', pos);
    if (end === -1) end = text.length;
    const raw = text.slice(pos, end);
    pos = end + 1;
    if (inHeader) {
      if (raw[0] === ' ' || raw[0] === '\t') {
        field += raw;
        continue;
      }
      if (/^content-type\s*:/i.test(field)) contentType = field;
      const line = raw.trimEnd();
      if (line !== '') {
        if (++headers > MAX_MAIL_HEADERS)
          return `the message has more than ${MAX_MAIL_HEADERS} header fields`;
        field = line;
        continue;
      }
      inHeader = false;
      field = '';
      const boundary = boundaryOf(contentType);
      if (boundary !== undefined) {
        open.push(boundary);
        if (open.length > MAX_MIME_DEPTH) return `MIME parts are nested more than ${MAX_MIME_DEPTH} deep`;
      }
      continue;
    }
    if (!raw.startsWith('--')) continue;
    const line = raw.trimEnd();
    const index = open.findIndex((b) => line === `--${b}` || line === `--${b}--`);
    if (index === -1) continue;
    if (line === `--${open[index]}--`) {
      // The end of a multipart closes it and every part opened inside it.
      open.length = index;
      continue;
    }
    open.length = index + 1;
    if (++parts > MAX_MIME_PARTS) return `the message has more than ${MAX_MIME_PARTS} MIME parts`;
    inHeader = true;
    contentType = '';
  }
  return undefined;
}

/** The boundary of a `multipart/*` Content-Type, if it is one. */
function boundaryOf(contentType: string): string | undefined {
  if (!/^content-type\s*:\s*multipart\//i.test(contentType)) return undefined;
  const match = /boundary\s*=\s*(?:"([^"]+)"|([^\s;]+))/i.exec(contentType);
  return match?.[1] ?? match?.[2];
}
