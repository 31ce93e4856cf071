import type { LineCounter } from 'yaml';
import type { ValidationCode, ValidationIssue } from '@chainmail/contracts';
import { MAX_ISSUES } from '../limits';

interface PendingIssue {
  code: ValidationCode;
  message: string;
  path: string;
  offset: number;
  hint?: string;
}

/**
 * Collects errors and warnings with source offsets while the tree is read; line and column are
 * computed once at the end (a binary search per issue), so a valid document pays nothing.
 */
export class Issues {
  private readonly errors: PendingIssue[] = [];
  private readonly warnings: PendingIssue[] = [];

  add(code: ValidationCode, message: string, path: string, offset: number, hint?: string): void {
    if (this.errors.length < MAX_ISSUES) this.errors.push({ code, message, path, offset, hint });
  }

  warn(code: ValidationCode, message: string, path: string, offset: number, hint?: string): void {
    if (this.warnings.length < MAX_ISSUES) this.warnings.push({ code, message, path, offset, hint });
  }

  /** No further error will be kept: callers may skip work that only serves a message (hints). */
  get full(): boolean {
    return this.errors.length >= MAX_ISSUES;
  }

  get hasErrors(): boolean {
    return this.errors.length > 0;
  }

  /** In document order (stable for issues at the same place). */
  errorList(lineCounter: LineCounter | undefined): ValidationIssue[] {
    return inOrder(this.errors).map((issue) => locate(issue, lineCounter));
  }

  warningList(lineCounter: LineCounter | undefined): ValidationIssue[] {
    return inOrder(this.warnings).map((issue) => locate(issue, lineCounter));
  }
}

function inOrder(issues: PendingIssue[]): PendingIssue[] {
  return [...issues].sort((a, b) => a.offset - b.offset);
}

function locate(issue: PendingIssue, lineCounter: LineCounter | undefined): ValidationIssue {
  const { line, col } = lineCounter?.linePos(issue.offset) ?? { line: 1, col: issue.offset + 1 };
  const out: ValidationIssue = {
    code: issue.code,
    message: issue.message,
    path: issue.path,
    line,
    column: col,
  };
  if (issue.hint !== undefined) out.hint = issue.hint;
  return out;
}

/** The closest of `choices` to `word`, when it is close enough to be a likely typo. */
export function closest(word: string, choices: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  const limit = word.length <= 4 ? 1 : word.length <= 8 ? 2 : 3;
  for (const choice of choices) {
    const d = editDistance(word.toLowerCase(), choice.toLowerCase(), limit);
    if (d < bestDistance) {
      best = choice;
      bestDistance = d;
    }
  }
  return bestDistance <= limit ? best : undefined;
}

/** Edit distance counting a swap of neighbours as one edit; gives up (limit + 1) past `limit`. */
function editDistance(a: string, b: string, limit: number): number {
  if (Math.abs(a.length - b.length) > limit || a.length > 64 || b.length > 64) return limit + 1;
  const rows: number[][] = [Array.from({ length: b.length + 1 }, (_, j) => j)];
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(rows[i - 1][j] + 1, row[j - 1] + 1, rows[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        d = Math.min(d, rows[i - 2][j - 2] + 1);
      row[j] = d;
      rowMin = Math.min(rowMin, d);
    }
    if (rowMin > limit) return limit + 1;
    rows.push(row);
  }
  return rows[a.length][b.length];
}

export function didYouMean(word: string, choices: Iterable<string>): string | undefined {
  const match = closest(word, choices);
  return match === undefined ? undefined : `did you mean "${match}"?`;
}
