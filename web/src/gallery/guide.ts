/** A run of a guide's text: plain, or `code`. */
export interface GuideSpan {
  code: boolean;
  text: string;
}

/**
 * A template's guide (short Markdown: paragraphs and `code`) as paragraphs of spans, for React
 * to render as text: nothing in it becomes HTML.
 */
export function guideParagraphs(markdown: string): GuideSpan[][] {
  return markdown
    .split(/\n\s*\n/)
    .map((paragraph) => paragraph.replace(/\s*\n\s*/g, ' ').trim())
    .filter((paragraph) => paragraph !== '')
    .map((paragraph) =>
      paragraph
        .split('`')
        .map((text, i) => ({ code: i % 2 === 1, text }))
        .filter((span) => span.text !== ''),
    );
}
