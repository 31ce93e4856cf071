import type { Command } from 'commander';
import { isRecord, str, UnexpectedResponse } from '../api-types';
import type { CliContext } from '../context';
import type { ActionRunner } from './options';

/** `schedules`: the seed's "Scheduled Workflows" panel, from `GET /v1/schedules`. */
export function registerScheduleCommands(program: Command, ctx: CliContext, run: ActionRunner): void {
  const schedules = program
    .command('schedules')
    .description('scheduled workflows: cron in words, steps, next run, last run and its status')
    .option('--json', 'machine-readable output (the API response)')
    .action((opts: { json?: boolean }) => run(() => listSchedules(ctx, opts.json === true)));
  for (const [action, paused] of [
    ['pause', true],
    ['resume', false],
  ] as const) {
    schedules
      .command(action)
      .description(
        paused
          ? 'pause a schedule: it fires no run until resumed'
          : 'resume a paused schedule from its next tick (ticks while paused are not caught up)',
      )
      .argument(
        '<id>',
        'WORKFLOW:N as `chainmail schedules` shows it, or the workflow when it has one schedule',
      )
      .action((id: string) => run(() => pauseSchedule(ctx, id, paused)));
  }
}

async function pauseSchedule(ctx: CliContext, id: string, paused: boolean): Promise<number> {
  const done = await ctx.api().pauseSchedule(id, paused);
  ctx.line(`${str(done.id) ?? id}: ${paused ? 'paused' : 'resumed'}`);
  return 0;
}

/** One schedule as the API sends it (the fields this command reads). */
export interface ScheduleView {
  /** `<workflow>:<n>`: what `schedules pause|resume` take. */
  id: string;
  name: string;
  paused: boolean;
  cron: string;
  timezone: string;
  description: string;
  steps: string[];
  output: string;
  nextRunAt: string | null;
  lastRun: { runId: string; scheduledFor: string; status: string } | null;
  problem?: string;
}

async function listSchedules(ctx: CliContext, json: boolean): Promise<number> {
  const body = await ctx.api().listSchedules();
  if (json) {
    ctx.line(JSON.stringify(body, null, 2));
    return 0;
  }
  const schedules = parseSchedules(body);
  if (schedules.length === 0) {
    ctx.line('No scheduled workflows. Give a workflow a trigger such as');
    ctx.line('  trigger: { type: schedule, cron: "0 7 * * *", timezone: Europe/Berlin }');
    ctx.line('and publish it with `chainmail apply -f FILE`.');
    return 0;
  }
  ctx.io.out(renderSchedules(schedules, ctx.io.now(), ctx));
  return 0;
}

/**
 * ```
 * Scheduled Workflows
 *
 * 📅 daily-news-digest
 *    Schedule: Every day at 7:00 (Europe/Berlin)
 *    Steps:    research → summarize → email
 *    Next run: Tomorrow, 7:00
 *    Last run: Today, 7:00 (succeeded)  run 5f0c…
 * ```
 * Times are shown in each schedule's own time zone, as its cron reads.
 */
export function renderSchedules(
  schedules: ScheduleView[],
  now: Date,
  ctx: Pick<CliContext, 'palette'>,
): string {
  const p = ctx.palette;
  const blocks = schedules.map((s) => {
    const zone = s.timezone === 'UTC' ? ' (UTC)' : ` (${s.timezone})`;
    const schedule = s.problem
      ? `${s.cron} ${p.paint('red', `cannot fire: ${s.problem}`)}`
      : `${s.description}${p.paint('dim', zone)}`;
    const delivery = s.output === 'none' ? [] : [s.output === 'both' ? 'email + webhook' : s.output];
    const last = s.lastRun
      ? `${whenIn(s.lastRun.scheduledFor, s.timezone, now)} (${p.status(s.lastRun.status)})  ${p.paint('dim', `run ${s.lastRun.runId}`)}`
      : p.paint('dim', 'not yet');
    return [
      `📅 ${p.paint('bold', s.name)}${s.paused ? ` ${p.paint('yellow', '(paused)')}` : ''}  ${p.paint('dim', s.id)}`,
      `   Schedule: ${schedule}`,
      `   Steps:    ${[...s.steps, ...delivery].join(' → ')}`,
      `   Next run: ${s.paused ? 'none while paused' : s.nextRunAt ? whenIn(s.nextRunAt, s.timezone, now) : '-'}`,
      `   Last run: ${last}`,
    ].join('\n');
  });
  return `${p.paint('bold', 'Scheduled Workflows')}\n\n${blocks.join('\n\n')}\n`;
}

/** "Today, 7:00", "Tomorrow, 7:00", "Monday, 9:00" (within a week), else "14 Jan 2030, 9:00": in `timeZone`. */
export function whenIn(iso: string, timeZone: string, now: Date): string {
  const at = new Date(iso);
  if (Number.isNaN(at.getTime())) return iso;
  let zone = timeZone;
  try {
    new Intl.DateTimeFormat('en-GB', { timeZone: zone });
  } catch {
    zone = 'UTC';
  }
  const day = (d: Date): number => {
    const [y, m, dd] = new Intl.DateTimeFormat('en-CA', {
      timeZone: zone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
    })
      .format(d)
      .split('-')
      .map(Number);
    return Date.UTC(y, m - 1, dd) / 86_400_000;
  };
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone: zone,
    hour: 'numeric',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(at);
  const part = (type: string): string => parts.find((x) => x.type === type)?.value ?? '';
  const seconds = part('second') === '00' ? '' : `:${part('second')}`;
  const time = `${Number(part('hour'))}:${part('minute')}${seconds}`;
  const days = day(at) - day(now);
  if (days === 0) return `Today, ${time}`;
  if (days === 1) return `Tomorrow, ${time}`;
  if (days === -1) return `Yesterday, ${time}`;
  if (Math.abs(days) < 7) {
    return `${new Intl.DateTimeFormat('en-GB', { timeZone: zone, weekday: 'long' }).format(at)}, ${time}`;
  }
  const date = new Intl.DateTimeFormat('en-GB', {
    timeZone: zone,
    day: 'numeric',
    month: 'short',
    year: 'numeric',
  }).format(at);
  return `${date}, ${time}`;
}

export function parseSchedules(body: unknown): ScheduleView[] {
  const list = isRecord(body) ? body.schedules : undefined;
  if (!Array.isArray(list)) throw new UnexpectedResponse('expected "schedules" to be a list');
  return list.map((item): ScheduleView => {
    if (!isRecord(item)) throw new UnexpectedResponse('expected each schedule to be an object');
    const name = str(item.name);
    const cron = str(item.cron);
    if (name === undefined || cron === undefined) {
      throw new UnexpectedResponse('expected each schedule to have a name and a cron');
    }
    const last = isRecord(item.lastRun) ? item.lastRun : undefined;
    return {
      id: str(item.id) ?? `${name}:${str(item.schedule) ?? '0'}`,
      name,
      paused: item.paused === true,
      cron,
      timezone: str(item.timezone) ?? 'UTC',
      description: str(item.description) ?? cron,
      steps: Array.isArray(item.steps) ? item.steps.filter((s): s is string => typeof s === 'string') : [],
      output: str(item.output) ?? 'none',
      nextRunAt: str(item.nextRunAt) ?? null,
      lastRun: last
        ? {
            runId: str(last.runId) ?? '-',
            scheduledFor: str(last.scheduledFor) ?? '',
            status: str(last.status) ?? 'unknown',
          }
        : null,
      ...(str(item.problem) ? { problem: str(item.problem) } : {}),
    };
  });
}
