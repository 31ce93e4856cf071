/** How to run a workflow again, the three ways a person can: reply, CLI, API. */
export interface RetryHow {
  workflow: string;
  inputs: Record<string, unknown>;
  runId: string;
  publicUrl: string;
  /** The trigger address a reply goes to (email-triggered runs). */
  replyAddress?: string;
}

/** The API takes requests with a token only: the shell fills it in from CHAINMAIL_TOKEN. */
const AUTH_HEADER = `-H "Authorization: Bearer $CHAINMAIL_TOKEN"`;

/** Past this, inputs are not spelled out on a command line. */
const MAX_INLINE_INPUTS = 400;

export function retryInstructions(how: RetryHow): string[] {
  const lines: string[] = [];
  if (how.replyAddress !== undefined) {
    lines.push(
      `- Reply to this mail: your reply goes to ${how.replyAddress} and starts ${how.workflow} again, with your reply as its input.`,
    );
  }
  const body = JSON.stringify({ inputs: how.inputs });
  const url = `${how.publicUrl}/v1/workflows/${how.workflow}/runs`;
  if (body.length <= MAX_INLINE_INPUTS) {
    // One line to paste: a text with line breaks (or other control characters) goes as a JSON
    // string (`key:="a\nb"`), which the CLI reads back as the same text.
    const flags = Object.entries(how.inputs).map(([key, value]) =>
      typeof value === 'string' && !/[\u0000-\u001f\u007f]/.test(value)
        ? `--input ${shellQuote(`${key}=${value}`)}`
        : `--input ${shellQuote(`${key}:=${JSON.stringify(value)}`)}`,
    );
    lines.push(`- From a terminal: ${['chainmail run', how.workflow, ...flags, '--follow'].join(' ')}`);
    lines.push(
      `- Over the API: curl -X POST ${url} ${AUTH_HEADER} -H 'content-type: application/json' -d ${shellQuote(body)}`,
    );
  } else {
    lines.push(
      `- From a terminal: chainmail run ${how.workflow} --inputs-file inputs.json --follow`,
      `  (inputs.json: the run's inputs, as GET ${how.publicUrl}/v1/runs/${how.runId} shows them)`,
      `- Over the API: curl -X POST ${url} ${AUTH_HEADER} -H 'content-type: application/json' -d '{"inputs": …the same inputs…}'`,
    );
  }
  return lines;
}

/** POSIX single quotes: the text is taken literally by the shell. */
export function shellQuote(text: string): string {
  return /^[\w@%+=:,./-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`;
}
