import { ChainmailError } from '@chainmail/contracts';
import { NatsError } from 'nats';
import { AppendConflict, toAppendError } from './append-conflict';

function jsError(code: number, description: string): NatsError {
  const err = new NatsError(description, '400');
  err.api_error = { code: 400, err_code: code, description };
  return err;
}

describe('toAppendError', () => {
  it('turns "wrong last sequence" into an AppendConflict with both sequences', () => {
    const err = toAppendError(jsError(10071, 'wrong last sequence: 42'), 'runs.r1', 40, 'r1');
    expect(err).toBeInstanceOf(AppendConflict);
    expect(err).toBeInstanceOf(ChainmailError);
    expect(err).toMatchObject({
      subject: 'runs.r1',
      expected: 40,
      actual: 42,
      runId: 'r1',
      code: 'APPEND_CONFLICT',
      status: 409,
    });
  });

  it('passes other errors through', () => {
    const other = jsError(10059, 'stream not found');
    expect(toAppendError(other, 'runs.r1', 0)).toBe(other);
    const plain = new Error('timeout');
    expect(toAppendError(plain, 'runs.r1', 0)).toBe(plain);
  });
});
