import { cli } from '../test/cli-harness';
import { FakeApiServer, sendJson } from '../test/fake-api-server';

const RUN = 'run_01JWAIT';

describe('approval commands', () => {
  let api: FakeApiServer;
  const run = (argv: string[]) => cli(argv, { env: { CHAINMAIL_URL: api.url } });

  afterEach(async () => {
    await api.close();
  });

  it('approve, reject and edit decide at the checkpoint, recorded as made with the CLI', async () => {
    api = await FakeApiServer.start({
      [`POST /v1/runs/${RUN}/checkpoints/human-review`]: (_req, res) =>
        sendJson(res, 202, {
          runId: RUN,
          stepId: 'human-review',
          visit: 1,
          action: 'approve',
          accepted: true,
        }),
    });
    const approved = await run(['approve', RUN, 'human-review', '-m', 'looks good']);
    expect(approved).toEqual({ code: 0, stdout: `${RUN}: human-review approved\n`, stderr: '' });
    expect(JSON.parse(api.last('POST', `/v1/runs/${RUN}/checkpoints/human-review`)?.body ?? '')).toEqual({
      action: 'approve',
      comment: 'looks good',
      via: 'cli',
    });

    await run(['reject', RUN, 'human-review']);
    expect(JSON.parse(api.last('POST', `/v1/runs/${RUN}/checkpoints/human-review`)?.body ?? '')).toEqual({
      action: 'reject',
      via: 'cli',
    });

    await run(['edit', RUN, 'human-review', '--input', 'Use a 30-day term']);
    expect(JSON.parse(api.last('POST', `/v1/runs/${RUN}/checkpoints/human-review`)?.body ?? '')).toEqual({
      action: 'edit',
      input: 'Use a 30-day term',
      via: 'cli',
    });
  });

  it('a checkpoint that does not wait is an error with the API\u2019s reason', async () => {
    api = await FakeApiServer.start({
      [`POST /v1/runs/${RUN}/checkpoints/human-review`]: (_req, res) =>
        sendJson(res, 409, {
          error: {
            code: 'CONFLICT',
            message: `Run ${RUN} is not waiting for a decision at step "human-review".`,
          },
        }),
    });
    const result = await run(['approve', RUN, 'human-review']);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain('is not waiting for a decision at step "human-review"');
  });

  it('approvals lists what waits for a decision, from GET /v1/approvals', async () => {
    api = await FakeApiServer.start({
      'GET /v1/approvals': (_req, res) =>
        sendJson(res, 200, {
          approvals: [
            {
              runId: RUN,
              workflow: 'human-review',
              version: 1,
              owner: 'user:usr_admin',
              step: 'human-review',
              visit: 1,
              message: 'Review draft before sending to client',
              actions: { approve: 'continue', reject: 'abort', edit: 'goto draft' },
              deadline: '2030-01-02T09:00:01.000Z',
              approvers: ['jane@acme.example'],
              openedAt: '2030-01-01T09:00:01.000Z',
              draft: { step: 'draft', output: 'Contract v1' },
            },
          ],
        }),
    });
    const result = await run(['approvals', '--workflow', 'human-review']);
    expect(result.code).toBe(0);
    expect(api.last('GET', '/v1/approvals')?.query.get('workflow')).toBe('human-review');
    expect(result.stdout).toContain(RUN);
    expect(result.stdout).toContain('Review draft before sending to client');
    expect(result.stdout).toContain('jane@acme.example');
    expect(result.stdout).toContain('2030-01-02T09:00:01.000Z');
    expect(result.stdout).toContain('chainmail approve|reject RUN STEP');
  });

  it('approvals says so when nothing waits', async () => {
    api = await FakeApiServer.start({
      'GET /v1/approvals': (_req, res) => sendJson(res, 200, { approvals: [] }),
    });
    expect((await run(['approvals'])).stdout).toBe('Nothing waits for a decision.\n');
  });
});
