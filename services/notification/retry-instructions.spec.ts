import { execFileSync } from 'node:child_process';
import { retryInstructions } from './retry-instructions';

const how = (inputs: Record<string, unknown>) => ({
  workflow: 'digest',
  inputs,
  runId: 'run_1',
  publicUrl: 'https://chainmail.example',
});

/** The words a POSIX shell makes of a pasted command line. */
function shellWords(line: string): string[] {
  const out = execFileSync('sh', ['-c', `for a in ${line}; do printf '%s\\0' "$a"; done`], {
    encoding: 'utf8',
  });
  return out.split('\0').slice(0, -1);
}

describe('retry instructions', () => {
  it('the curl line sends the token from CHAINMAIL_TOKEN (else it gets 401 when pasted)', () => {
    const lines = retryInstructions(how({ topic: 'CRM' }));
    const curl = lines.find((l) => l.startsWith('- Over the API: '));
    expect(curl).toBe(
      `- Over the API: curl -X POST https://chainmail.example/v1/workflows/digest/runs -H "Authorization: Bearer $CHAINMAIL_TOKEN" -H 'content-type: application/json' -d '{"inputs":{"topic":"CRM"}}'`,
    );
    const big = retryInstructions(how({ text: 'x'.repeat(500) })).find((l) =>
      l.startsWith('- Over the API: '),
    );
    expect(big).toContain('-H "Authorization: Bearer $CHAINMAIL_TOKEN"');
  });

  it('puts an input with line breaks on one line, and the shell and the CLI get the same text back', () => {
    const text = 'Dear team,\nplease look at\tthis:\n\n"quoted" and it\'s fine';
    const lines = retryInstructions(how({ body: text, n: 2 }));
    const cli = lines.find((l) => l.startsWith('- From a terminal: ')) ?? '';
    expect(lines.every((l) => !l.includes('\n'))).toBe(true);
    expect(cli).toBe(
      `- From a terminal: chainmail run digest --input 'body:="Dear team,\\nplease look at\\tthis:\\n\\n\\"quoted\\" and it'\\''s fine"' --input n:=2 --follow`,
    );
    const words = shellWords(cli.slice('- From a terminal: '.length));
    expect(words[4]).toBe(`body:=${JSON.stringify(text)}`);
    expect(JSON.parse(words[4].slice('body:='.length))).toBe(text);
  });

  it('keeps a one-line text input as key=value', () => {
    const cli = retryInstructions(how({ topic: 'the CRM space' })).find((l) =>
      l.startsWith('- From a terminal: '),
    );
    expect(cli).toBe(`- From a terminal: chainmail run digest --input 'topic=the CRM space' --follow`);
  });
});
