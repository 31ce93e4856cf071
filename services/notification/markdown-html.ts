import { escapeHtml } from '@chainmail/platform';
/**
 * Markdown as simple, safe HTML for the alternative part of a mail: headings, paragraphs, lists,
 * quotes, fenced code, rules, and inline code, bold, italics and http(s)/mailto links. Everything
 * is escaped first, so an agent's output can never inject markup; anything else stays text.
 */
export function markdownToHtml(markdown: string): string {
  const lines = markdown.replace(/\r\n?/g, '\n').split('\n');
  const out: string[] = [];
  let i = 0;
  while (i < lines.length) {
    const line = lines[i];
    if (line.trim() === '') {
      i++;
      continue;
    }
    const fence = /^\s*(```|~~~)/.exec(line);
    if (fence) {
      const code: string[] = [];
      i++;
      while (i < lines.length && !lines[i].trimStart().startsWith(fence[1])) code.push(lines[i++]);
      i++;
      out.push(`<pre><code>${escapeHtml(code.join('\n'))}</code></pre>`);
      continue;
    }
    const heading = /^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$/.exec(line);
    if (heading) {
      const level = heading[1].length;
      out.push(`<h${level}>${inline(heading[2])}</h${level}>`);
      i++;
      continue;
    }
    if (/^\s{0,3}([-*_])(\s*\1){2,}\s*$/.test(line)) {
      out.push('<hr>');
      i++;
      continue;
    }
    if (/^\s{0,3}>/.test(line)) {
      const quoted: string[] = [];
      while (i < lines.length && /^\s{0,3}>/.test(lines[i]))
        quoted.push(lines[i++].replace(/^\s{0,3}>\s?/, ''));
      out.push(`<blockquote>${markdownToHtml(quoted.join('\n'))}</blockquote>`);
      continue;
    }
    const list = listKind(line);
    if (list) {
      const items: string[] = [];
      while (i < lines.length && listKind(lines[i]) === list) {
        let item = lines[i++].replace(LIST_MARKERS[list], '');
        // Indented lines that follow belong to the item.
        while (i < lines.length && /^\s{2,}\S/.test(lines[i]) && !listKind(lines[i]))
          item += `\n${lines[i++].trim()}`;
        items.push(`<li>${inlineLines(item)}</li>`);
      }
      out.push(`<${list}>${items.join('')}</${list}>`);
      continue;
    }
    const paragraph: string[] = [];
    while (i < lines.length && lines[i].trim() !== '' && !startsBlock(lines[i])) paragraph.push(lines[i++]);
    out.push(`<p>${inlineLines(paragraph.join('\n'))}</p>`);
  }
  return out.join('\n');
}

const LIST_MARKERS = { ul: /^\s{0,3}[-*+]\s+/, ol: /^\s{0,3}\d{1,9}[.)]\s+/ } as const;

function listKind(line: string): 'ul' | 'ol' | undefined {
  if (LIST_MARKERS.ul.test(line) && !/^\s{0,3}([-*_])(\s*\1){2,}\s*$/.test(line)) return 'ul';
  if (LIST_MARKERS.ol.test(line)) return 'ol';
  return undefined;
}

function startsBlock(line: string): boolean {
  return (
    /^\s*(```|~~~)/.test(line) ||
    /^\s{0,3}#{1,6}\s/.test(line) ||
    /^\s{0,3}>/.test(line) ||
    /^\s{0,3}([-*_])(\s*\1){2,}\s*$/.test(line) ||
    listKind(line) !== undefined
  );
}

/** Line breaks inside a paragraph are kept: agents' text is often laid out line by line. */
function inlineLines(text: string): string {
  return text.split('\n').map(inline).join('<br>\n');
}

function inline(text: string): string {
  const codes: string[] = [];
  // Code spans first, so nothing inside them is formatted.
  let html = escapeHtml(text).replace(/`([^`]+)`/g, (_, code: string) => {
    codes.push(`<code>${code}</code>`);
    return `\u0000${codes.length - 1}\u0000`;
  });
  html = html
    .replace(/\[([^\]]+)\]\(((?:https?:\/\/|mailto:)[^\s)]+)\)/g, '<a href="$2">$1</a>')
    .replace(/\*\*(?=\S)(.+?)\*\*/g, '<strong>$1</strong>')
    .replace(/__(?=\S)(.+?)__/g, '<strong>$1</strong>')
    .replace(/(^|[^*\w])\*(?=\S)([^*]+?)\*(?![*\w])/g, '$1<em>$2</em>')
    .replace(/(^|[^_\w])_(?=\S)([^_]+?)_(?![_\w])/g, '$1<em>$2</em>');
  return html.replace(/\u0000(\d+)\u0000/g, (_, n: string) => codes[Number(n)]);
}
