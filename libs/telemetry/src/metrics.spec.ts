import { makeRunEvent, type RunEvent } from '@chainmail/contracts';
import parsePrometheusTextFormat, { type ParsedFamily } from 'parse-prometheus-text-format';
import { ChainmailMetrics, stepLabel } from './metrics';
import { startMetricsServer } from './metrics-server';

/** The exposition text, parsed by a Prometheus text parser (not prom-client's own objects). */
async function scrape(metrics: ChainmailMetrics): Promise<Map<string, ParsedFamily>> {
  return new Map(parsePrometheusTextFormat(await metrics.text()).map((f) => [f.name, f]));
}

/**
 * Every sample line by its own name (`x_bucket`, `x_sum`, `x_count`): the parser folds a labelled
 * histogram's series into one, so histograms are read line by line, without their TYPE comments.
 */
async function lines(metrics: ChainmailMetrics): Promise<Map<string, ParsedFamily>> {
  const text = (await metrics.text())
    .split('\n')
    .filter((line) => !line.startsWith('#'))
    .join('\n');
  const byName = new Map<string, ParsedFamily>();
  for (const family of parsePrometheusTextFormat(text)) {
    // Each run of lines of one name comes as a family of its own: gather them.
    const seen = byName.get(family.name);
    if (seen) seen.metrics.push(...family.metrics);
    else byName.set(family.name, family);
  }
  return byName;
}

const sample = (family: ParsedFamily | undefined, labels: Record<string, string>) =>
  family?.metrics.find((m) => Object.entries(labels).every(([k, v]) => m.labels?.[k] === v));

const at = '2030-01-01T00:00:00.000Z';
const ev = <K extends RunEvent['type']>(type: K, data: Parameters<typeof makeRunEvent<K>>[3]): RunEvent =>
  makeRunEvent(type, 'run-1', at, data);

const facts = {
  workflow: 'digest',
  step: (id: string) =>
    id === 'check'
      ? { kind: 'checkpoint' }
      : { agent: `${id.replace(/\[\d+\]$/, '')}@`, kind: id.includes('[') ? 'item' : 'agent' },
};

describe('ChainmailMetrics', () => {
  it('counts runs, steps, retries, agent calls, tokens and cost from appended commits, labelled without run ids', async () => {
    const metrics = new ChainmailMetrics({ defaultMetrics: false });
    metrics.recordCommit(
      [
        ev('RunStarted', {
          workflow: 'digest',
          version: 1,
          inputs: {},
          trigger: { kind: 'api' },
          owner: 'o',
          actor: 'a',
          debug: false,
          commandId: 'c',
          timeoutMs: 1000,
        }),
        ev('StepStarted', { stepId: 'research', visit: 1, attempt: 1, agent: 'research@' }),
      ],
      facts,
    );
    metrics.recordCommit(
      [
        ev('StepFailed', {
          stepId: 'research',
          visit: 1,
          attempt: 1,
          durationMs: 30,
          error: { code: 'AGENT_TIMEOUT', message: 'slow', retryable: true },
        }),
        ev('StepRetryScheduled', { stepId: 'research', visit: 1, attempt: 1, dueAt: at, delayMs: 10 }),
      ],
      facts,
    );
    metrics.recordCommit(
      [
        ev('StepSucceeded', {
          stepId: 'research',
          visit: 1,
          attempt: 2,
          output: 'x',
          durationMs: 1_500,
          usage: { promptTokens: 100, completionTokens: 20, costUsd: 0.25 },
        }),
        ev('StepSucceeded', { stepId: 'items[0]', visit: 1, attempt: 1, output: 'x', durationMs: 7 }),
        ev('StepSucceeded', { stepId: 'items[1]', visit: 1, attempt: 1, output: 'x', durationMs: 9 }),
        ev('StepSucceeded', { stepId: 'check', visit: 1, attempt: 1, output: 'ok', durationMs: 60_000 }),
        ev('RunSucceeded', { output: 'done', durationMs: 62_000 }),
      ],
      facts,
    );

    const families = await scrape(metrics);
    const raw = await lines(metrics);
    const value = (name: string, labels: Record<string, string>) => sample(raw.get(name), labels)?.value;
    expect(families.get('chainmail_run_duration_seconds')?.type).toBe('HISTOGRAM');
    expect(families.get('chainmail_runs_total')?.type).toBe('COUNTER');
    expect(sample(families.get('chainmail_runs_started_total'), { workflow: 'digest' })?.value).toBe('1');
    expect(
      sample(families.get('chainmail_runs_total'), { workflow: 'digest', status: 'succeeded' })?.value,
    ).toBe('1');
    const run = { workflow: 'digest', status: 'succeeded' };
    expect(value('chainmail_run_duration_seconds_count', run)).toBe('1');
    expect(value('chainmail_run_duration_seconds_sum', run)).toBe('62');
    expect(value('chainmail_run_duration_seconds_bucket', { ...run, le: '60' })).toBe('0');
    expect(value('chainmail_run_duration_seconds_bucket', { ...run, le: '120' })).toBe('1');

    const steps = families.get('chainmail_steps_total');
    expect(sample(steps, { step: 'research', status: 'failed' })?.value).toBe('1');
    expect(sample(steps, { step: 'research', status: 'succeeded' })?.value).toBe('1');
    // Foreach items count under their step: one series, whatever the number of items.
    expect(sample(steps, { step: 'items[]', status: 'succeeded' })?.value).toBe('2');
    expect(sample(families.get('chainmail_step_retries_total'), { step: 'research' })?.value).toBe('1');
    expect(value('chainmail_step_duration_seconds_count', { step: 'check' })).toBe('1');

    const calls = 'chainmail_agent_call_duration_seconds';
    expect(value(`${calls}_count`, { agent: 'research@', outcome: 'error' })).toBe('1');
    expect(value(`${calls}_count`, { agent: 'research@', outcome: 'ok' })).toBe('1');
    expect(value(`${calls}_sum`, { agent: 'research@', outcome: 'ok' })).toBe('1.5');
    expect(value(`${calls}_bucket`, { agent: 'research@', outcome: 'ok', le: '1' })).toBe('0');
    expect(value(`${calls}_bucket`, { agent: 'research@', outcome: 'ok', le: '2.5' })).toBe('1');
    expect(value(`${calls}_count`, { agent: 'items@', outcome: 'ok' })).toBe('2');
    // A checkpoint is no agent call: the agents' series, no other.
    expect(raw.get(`${calls}_count`)?.metrics.map((m) => m.labels?.agent)).toEqual([
      'research@',
      'research@',
      'items@',
    ]);

    const tokens = families.get('chainmail_tokens_total');
    expect(sample(tokens, { agent: 'research@', type: 'prompt' })?.value).toBe('100');
    expect(sample(tokens, { agent: 'research@', type: 'completion' })?.value).toBe('20');
    expect(
      sample(families.get('chainmail_cost_usd_total'), { workflow: 'digest', agent: 'research@' })?.value,
    ).toBe('0.25');

    const labels = [...families.values()].flatMap((f) =>
      f.metrics.flatMap((m) => Object.values(m.labels ?? {})),
    );
    expect(labels.some((value) => value.includes('run-1'))).toBe(false);
  });

  it('reports each durable consumer’s lag as polled, reusing a poll for close scrapes', async () => {
    const metrics = new ChainmailMetrics({ defaultMetrics: false });
    let polls = 0;
    metrics.pollConsumerLag(async () => {
      polls++;
      return [
        { stream: 'RUN_EVENTS', durable: 'projector', pending: 42, ackPending: 3, redelivered: 1 },
        { stream: 'COMMANDS', durable: 'execution-commands', pending: 0, ackPending: 0, redelivered: 0 },
      ];
    });
    const families = await scrape(metrics);
    await metrics.text();
    expect(polls).toBe(1);
    const pending = families.get('chainmail_jetstream_consumer_pending_messages');
    expect(pending?.type).toBe('GAUGE');
    expect(sample(pending, { stream: 'RUN_EVENTS', durable: 'projector' })?.value).toBe('42');
    expect(sample(pending, { durable: 'execution-commands' })?.value).toBe('0');
    expect(
      sample(families.get('chainmail_jetstream_consumer_ack_pending_messages'), { durable: 'projector' })
        ?.value,
    ).toBe('3');
  });

  it('a failing poll leaves the lag out instead of failing the scrape', async () => {
    const metrics = new ChainmailMetrics({ defaultMetrics: false });
    metrics.pollConsumerLag(() => Promise.reject(new Error('no NATS')));
    const families = await scrape(metrics);
    expect(families.get('chainmail_jetstream_consumer_pending_messages')?.metrics ?? []).toEqual([]);
  });

  it('has the process metrics by default', async () => {
    const families = await scrape(new ChainmailMetrics());
    expect(families.has('process_cpu_user_seconds_total')).toBe(true);
    expect(families.has('nodejs_eventloop_lag_seconds')).toBe(true);
  });

  it('serves /metrics on a port of its own, and nothing else there', async () => {
    const metrics = new ChainmailMetrics({ defaultMetrics: false });
    const server = await startMetricsServer(metrics, 0, '127.0.0.1');
    try {
      const answer = await fetch(server.url);
      expect(answer.status).toBe(200);
      expect(answer.headers.get('content-type')).toContain('text/plain');
      expect(parsePrometheusTextFormat(await answer.text()).map((f) => f.name)).toContain(
        'chainmail_runs_total',
      );
      expect((await fetch(server.url.replace('/metrics', '/other'))).status).toBe(404);
    } finally {
      await server.close();
    }
  });

  it('labels a foreach item by its step', () => {
    expect(stepLabel('summaries[12]')).toBe('summaries[]');
    expect(stepLabel('research')).toBe('research');
  });
});
