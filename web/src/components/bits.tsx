import type { ReactNode } from 'react';
import { ApiError } from '../api/api';

/** A status word with its colour (`data-status` for tests and styles). */
export function Status({ value }: { value: string }) {
  return (
    <span className="status" data-status={value}>
      {value}
    </span>
  );
}

/** What went wrong, in the API's own words; 404/403 say the item is not there or not yours. */
export function Problem({ error }: { error: Error | undefined }) {
  if (error === undefined) return null;
  const text =
    error instanceof ApiError && error.status === 404
      ? `Not found, or not visible with this token: ${error.message}`
      : error instanceof ApiError && error.status === 403
        ? `This token may not do that: ${error.message}`
        : error.message;
  return (
    <p role="alert" className="error">
      {text}
    </p>
  );
}

export function When({ at }: { at: string | null | undefined }) {
  if (!at) return <span>—</span>;
  const date = new Date(at);
  return (
    <time dateTime={at} title={date.toISOString()}>
      {date.toLocaleString()}
    </time>
  );
}

export function duration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '—';
  if (ms < 1000) return `${ms} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
}

export function PageTitle({ children, actions }: { children: ReactNode; actions?: ReactNode }) {
  return (
    <div className="page-title">
      <h1>{children}</h1>
      {actions && <div className="actions">{actions}</div>}
    </div>
  );
}
