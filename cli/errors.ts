import { ApiError, ServerUnreachable } from './api-client';
import { isRecord, parseIssues, str, UnexpectedResponse } from './api-types';
import { UsageError, type CliContext } from './context';
import { issueLine, issueText } from './render';

/** Prints what went wrong, the same way for every command, and returns the exit code. */
export function reportError(err: unknown, ctx: CliContext): number {
  const { palette } = ctx;
  if (err instanceof UsageError) {
    ctx.warn(`${palette.paint('red', 'error:')} ${err.message}`);
    return 2;
  }
  if (err instanceof ServerUnreachable) {
    if (err.refused) {
      ctx.warn(`Chainmail is not running at ${err.baseUrl} — start it with \`chainmail up\``);
    } else {
      ctx.warn(`Cannot reach Chainmail at ${err.baseUrl}: ${err.message}`);
    }
    return 1;
  }
  if (err instanceof ApiError) {
    ctx.warn(apiErrorText(err, palette.paint('red', 'error')));
    if (err.status === 401) {
      const { baseUrl, token } = ctx.settings();
      ctx.warn(
        token === undefined
          ? `No API token for ${baseUrl}: run \`chainmail login\` (or set CHAINMAIL_TOKEN); \`chainmail up\` saves one when it starts the server.`
          : `The token for ${baseUrl} was refused: \`chainmail login\` with a valid one (or set CHAINMAIL_TOKEN).`,
      );
    }
    return 1;
  }
  if (err instanceof UnexpectedResponse) {
    ctx.warn(
      `${palette.paint('red', 'error')}: unexpected answer from ${ctx.settings().baseUrl}: ${err.message}`,
    );
    return 1;
  }
  ctx.warn(
    `${palette.paint('red', 'error')}: ${(isRecord(err) ? str(err.message) : undefined) ?? String(err)}`,
  );
  return 1;
}

/** `error CODE: message`, then the details: validation issues one per line, anything else as JSON. */
export function apiErrorText(err: ApiError, label = 'error', file?: string): string {
  const lines = [`${label} ${err.code}: ${err.message}`];
  const issues = parseIssues(err.details);
  if (issues.length > 0) {
    lines.push(
      ...issues.map((issue) => `  ${file === undefined ? issueText(issue) : issueLine(file, issue)}`),
    );
  } else if (err.details !== undefined && err.details !== null) {
    if (!isRecord(err.details) || Object.keys(err.details).length > 0) {
      lines.push(`  details: ${JSON.stringify(err.details)}`);
    }
  }
  return lines.join('\n');
}
