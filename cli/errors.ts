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
    if (err.status === 401) ctx.warn(refusedTokenHint(ctx));
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

/** What to do about a 401, by where the refused token came from (so it never says to set the variable that held it). */
function refusedTokenHint(ctx: CliContext): string {
  const { baseUrl, token } = ctx.settings();
  if (token === undefined)
    return `No API token for ${baseUrl}: run \`npx chainmail login\` (or set CHAINMAIL_TOKEN); \`npx chainmail up\` saves one when it starts the server.`;
  const source = ctx.tokenSource();
  if (source === 'flag')
    return `The token given with --token was refused by ${baseUrl}: pass a valid one, or leave --token out to use the one saved for that URL.`;
  if (source === 'env')
    return `The token in CHAINMAIL_TOKEN was refused by ${baseUrl}: unset CHAINMAIL_TOKEN to use the one saved for that URL, or set it to a valid token.`;
  return `The token saved for ${baseUrl} was refused: \`npx chainmail login --url ${baseUrl}\` with a valid one.`;
}
