import { markdownToHtml } from './markdown-html';

describe('markdownToHtml', () => {
  it('renders headings, paragraphs with their line breaks, lists and rules', () => {
    const html = markdownToHtml(
      '# Competitive Analysis\n\nThree rivals\nstand out.\n\n- Acme CRM\n- Globex\n\n1. first\n2. second\n\n---\n## End',
    );
    expect(html).toBe(
      [
        '<h1>Competitive Analysis</h1>',
        '<p>Three rivals<br>\nstand out.</p>',
        '<ul><li>Acme CRM</li><li>Globex</li></ul>',
        '<ol><li>first</li><li>second</li></ol>',
        '<hr>',
        '<h2>End</h2>',
      ].join('\n'),
    );
  });

  it('formats inline bold, italics, code and safe links only', () => {
    expect(
      markdownToHtml(
        '**bold** and *it* and _also_ and `a*b*c` [site](https://x.example/a) [bad](javascript:alert(1))',
      ),
    ).toBe(
      '<p><strong>bold</strong> and <em>it</em> and <em>also</em> and <code>a*b*c</code> <a href="https://x.example/a">site</a> [bad](javascript:alert(1))</p>',
    );
  });

  it('escapes markup in text and in code blocks', () => {
    expect(markdownToHtml('<script>alert("x")</script>\n\n```\n<b>&</b>\n```')).toBe(
      '<p>&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;</p>\n<pre><code>&lt;b&gt;&amp;&lt;/b&gt;</code></pre>',
    );
  });

  it('renders quotes recursively and leaves snake_case words alone', () => {
    expect(markdownToHtml('> quoted **text**\n> more')).toBe(
      '<blockquote><p>quoted <strong>text</strong><br>\nmore</p></blockquote>',
    );
    expect(markdownToHtml('user_input and a_b_c')).toBe('<p>user_input and a_b_c</p>');
  });

  it('keeps an unterminated code fence as code to the end', () => {
    expect(markdownToHtml('```\nline')).toBe('<pre><code>line</code></pre>');
  });
});
