/**
 * A reply's own words: what an agent mailbox wrote above the quoted history and the signature.
 * Mail clients quote in a few shapes, all handled here: `>` lines (top-, bottom- or
 * inline-posted), an attribution line ("On … wrote:", also wrapped over two lines, and the
 * French, German, Spanish, Italian, Dutch and Portuguese forms), Outlook's
 * "-----Original Message-----" and its `From:`/`Sent:`/`To:`/`Subject:` header block (after a
 * line of underscores or not), forwarded-message markers; signatures after the `-- ` delimiter
 * (RFC 3676, and the common `--` without its space) and mobile footers ("Sent from my iPhone").
 * When stripping would leave nothing, the whole text is kept: a reply is never lost.
 */
export function stripReply(text: string): string {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  let end = historyStart(lines);
  const own = lines.slice(0, end).filter((line) => !/^\s*>/.test(line));
  end = signatureStart(own);
  const result = trimBlank(own.slice(0, end)).join('\n');
  return result.trim() === '' ? text.trim() : result;
}

const ATTRIBUTION = [
  /^\s*On\b.*\bwrote:\s*$/i,
  /^\s*Le\b.*\ba écrit\s*:\s*$/i,
  /^\s*Am\b.*\bschrieb\b.*:\s*$/i,
  /^\s*El\b.*\bescribió:\s*$/i,
  /^\s*Il\b.*\bha scritto:\s*$/i,
  /^\s*Op\b.*\bschreef\b.*:\s*$/i,
  /^\s*Em\b.*\bescreveu:\s*$/i,
];
const ORIGINAL_MESSAGE =
  /^\s*-{2,}\s*(Original Message|Forwarded message|Mensaje original|Message d'origine|Ursprüngliche Nachricht)\s*-{2,}\s*$/i;
const UNDERSCORES = /^\s*_{10,}\s*$/;
const HEADER =
  /^\s*\*?(From|Sent|Date|To|Cc|Subject|De|Von|Envoyé|Gesendet|Para|Asunto|Objet|Betreff)\s*:\*?\s/i;
const FROM_HEADER = /^\s*\*?(From|De|Von)\s*:\*?\s/i;

/** The line where quoted history begins (the length when there is none). */
function historyStart(lines: string[]): number {
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    if (ORIGINAL_MESSAGE.test(line)) return i;
    if (ATTRIBUTION.some((re) => re.test(line))) return i;
    // An attribution wrapped by the client: "On Mon, 1 Jan 2026 at 10:00, Chainmail <" / "x@y> wrote:".
    const next = lines[i + 1];
    if (
      next !== undefined &&
      line.trim() !== '' &&
      ATTRIBUTION.some((re) => re.test(`${line.trimEnd()} ${next.trim()}`))
    ) {
      if (/^\s*(On|Le|Am|El|Il|Op|Em)\b/i.test(line)) return i;
    }
    if (UNDERSCORES.test(line) && FROM_HEADER.test(lines[i + 1] ?? '')) return i;
    // Outlook's header block without a separator: From: then Sent:/Date: and To:/Subject: within a few lines.
    if (FROM_HEADER.test(line)) {
      const block = lines.slice(i + 1, i + 6);
      if (block.filter((l) => HEADER.test(l)).length >= 2) return i;
    }
  }
  return lines.length;
}

const MOBILE_FOOTER =
  /^\s*(Sent from my \S.*|Sent from (Mail|Outlook|Yahoo Mail|Gmail|ProtonMail|Proton Mail)\b.*|Get Outlook for (iOS|Android)\b.*|Sent via \S.*|Sent with \S.*|Envoyé de mon \S.*|Von meinem \S.* gesendet\.?|Enviado desde mi \S.*)$/i;

/** Where the signature begins: the last `-- ` delimiter, else a mobile footer among the last lines. */
function signatureStart(lines: string[]): number {
  for (let i = lines.length - 1; i >= 0; i--) {
    if (/^--\s?$/.test(lines[i] ?? '')) return i;
  }
  const lastText = lastNonBlank(lines);
  for (let i = lastText; i >= 0 && i >= lastText - 2; i--) {
    if (MOBILE_FOOTER.test(lines[i] ?? '')) return i;
  }
  return lines.length;
}

function lastNonBlank(lines: string[]): number {
  for (let i = lines.length - 1; i >= 0; i--) if ((lines[i] ?? '').trim() !== '') return i;
  return -1;
}

function trimBlank(lines: string[]): string[] {
  let start = 0;
  let end = lines.length;
  while (start < end && (lines[start] ?? '').trim() === '') start++;
  while (end > start && (lines[end - 1] ?? '').trim() === '') end--;
  return lines.slice(start, end).map((line) => line.trimEnd());
}
