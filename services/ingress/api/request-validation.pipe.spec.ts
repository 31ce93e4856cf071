import { Type } from 'class-transformer';
import { IsArray, IsInt, IsOptional, IsString, Min, ValidateNested } from 'class-validator';
import { ChainmailError } from '@chainmail/contracts';
import { RequestValidationPipe } from './request-validation.pipe';

class Step {
  @IsString({ message: 'must be text' }) input!: string;
}

class Body {
  static readonly example = '{"steps": [{"input": "…"}]}';
  @IsArray({ message: 'must be a list of steps' })
  @ValidateNested({ each: true })
  @Type(() => Step)
  steps!: Step[];
}

class Query {
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'must be a whole number' })
  @Min(1, { message: 'must be ≥ 1' })
  limit?: number;
}

const pipe = new RequestValidationPipe();
const body = (value: unknown) => pipe.transform(value, { type: 'body', metatype: Body });

async function refusal(promise: Promise<unknown>): Promise<ChainmailError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(err instanceof ChainmailError)) throw new Error(`expected a ChainmailError, got ${String(err)}`);
  return err;
}

describe('RequestValidationPipe', () => {
  it('names a nested field by its path, list items as [i]', async () => {
    const err = await refusal(body({ steps: [{ input: 'ok' }, { input: 3 }] }));
    expect(err.code).toBe('BAD_REQUEST');
    expect(err.status).toBe(400);
    expect(err.details).toEqual({
      issues: [{ in: 'body', field: 'steps[1].input', message: 'must be text' }],
    });
    expect(err.message).toBe('The request body is invalid: steps[1].input must be text.');
  });

  it('names a missing required field, and never echoes the value sent', async () => {
    const err = await refusal(body(undefined));
    expect(err.details).toEqual({
      issues: [{ in: 'body', field: 'steps', message: 'must be a list of steps' }],
    });
    const secret = await refusal(body({ steps: [{ input: { key: 'sk-live-123' } }] }));
    expect(JSON.stringify(secret.details)).not.toContain('sk-live-123');
  });

  it('refuses a body that is no JSON object with the example to send', async () => {
    for (const value of [[], 'text', null]) {
      const err = await refusal(body(value));
      expect(err.message).toBe('Send a JSON object: {"steps": [{"input": "…"}]}.');
    }
  });

  it('turns query text into numbers and names the query parameter that is wrong', async () => {
    await expect(pipe.transform({ limit: '5' }, { type: 'query', metatype: Query })).resolves.toEqual({
      limit: 5,
    });
    const err = await refusal(pipe.transform({ limit: '0' }, { type: 'query', metatype: Query }));
    expect(err.details).toEqual({ issues: [{ in: 'query', field: 'limit', message: 'must be ≥ 1' }] });
    expect(err.message).toBe('The query parameter is invalid: limit must be ≥ 1.');
  });

  it('drops fields the class does not declare', async () => {
    const checked = await body({ steps: [{ input: 'a', extra: 1 }], other: true });
    expect(JSON.parse(JSON.stringify(checked))).toEqual({ steps: [{ input: 'a' }] });
  });
});
