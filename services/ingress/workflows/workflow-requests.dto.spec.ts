import type { Paramtype } from '@nestjs/common';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum';
import { PipesConsumer } from '@nestjs/core/pipes/pipes-consumer';
import { ChainmailError } from '@chainmail/contracts';
import { RequestValidationPipe } from '../api/request-validation.pipe';
import { StartRunQuery, StartRunRequest } from './workflow-requests.dto';

/** The class with its decorators only, so the pipe checks it through class-validator, as before. */
function decoratorsOnly<T extends object>(checked: new () => T): new () => T {
  const Decorated = class extends (checked as new () => object) {};
  Object.defineProperty(Decorated, 'fromRequest', { value: undefined });
  return Decorated as new () => T;
}

const pipe = new RequestValidationPipe();

/** What the pipe answers: the instance's own fields (a plain copy), or the refusal. */
async function answer(value: unknown, type: 'body' | 'query', metatype: new () => object) {
  try {
    const checked = (await pipe.transform(value, { type, metatype })) as object;
    return { fields: { ...checked }, isInstance: checked instanceof metatype };
  } catch (err) {
    if (!(err instanceof ChainmailError)) throw err;
    return { code: err.code, message: err.message, details: err.details };
  }
}

/** Field values as JSON text: every kind the parsers produce, and names that plain data must not keep. */
const JSON_VALUES = [
  'null',
  'true',
  'false',
  '0',
  '1',
  '""',
  '"x"',
  '"true"',
  '[]',
  '["a"]',
  '["a", 1]',
  '[["a"]]',
  '[null]',
  '{}',
  '{"a": 1, "b": {"c": [1, {"d": "e"}]}}',
  '{"toString": "x", "constructor": 1, "prototype": 2, "__proto__": {"p": 1}, "hasOwnProperty": 3, "keep": {"valueOf": 4, "kept": [{"__proto__": 5, "x": 6}]}}',
  JSON.stringify(Array.from({ length: 1000 }, (_, i) => `s${i}`)),
  JSON.stringify(Array.from({ length: 1001 }, (_, i) => `s${i}`)),
  JSON.stringify(Array.from({ length: 1001 }, (_, i) => i)),
];

/** Bodies: every field value for each field, with the others absent, present and valid, or wrong. */
function bodies(): string[] {
  const texts = ['{}', '{"other": 1, "inputs": {"a": 1}}', '{"__proto__": {"inputs": {"a": 1}}}'];
  const others = [
    '',
    '"debug": true, "breakpoints": ["a"], ',
    '"inputs": 3, "debug": "no", "breakpoints": 1, ',
  ];
  for (const field of ['inputs', 'debug', 'breakpoints']) {
    for (const rest of others) {
      for (const value of JSON_VALUES) texts.push(`{${rest}"${field}": ${value}}`);
    }
  }
  for (const inputs of JSON_VALUES) {
    for (const debug of ['true', '"x"', 'null']) {
      for (const breakpoints of ['["a"]', '"x"', '[1]']) {
        texts.push(`{"inputs": ${inputs}, "debug": ${debug}, "breakpoints": ${breakpoints}}`);
      }
    }
  }
  return texts;
}

/** Query objects as the query parsers give them (null prototype, lists for repeated names). */
function queries(): Array<() => Record<string, unknown>> {
  const waits: unknown[] = [
    'true',
    '1',
    'false',
    '0',
    'yes',
    '',
    'TRUE',
    ['true'],
    ['true', 'false'],
    { a: '1' },
  ];
  const made: Array<() => Record<string, unknown>> = [
    () => ({}),
    () => Object.create(null) as Record<string, unknown>,
  ];
  for (const wait of waits) {
    made.push(() => Object.assign(Object.create(null) as Record<string, unknown>, { wait }));
    made.push(() => ({ wait, team: 'x' }));
  }
  return made;
}

describe('StartRunRequest and StartRunQuery, checked by hand', () => {
  it('give what their decorators give, for every body of the corpus', async () => {
    const decorated = decoratorsOnly(StartRunRequest);
    for (const text of bodies()) {
      const byHand = await answer(JSON.parse(text), 'body', StartRunRequest);
      const reference = await answer(JSON.parse(text), 'body', decorated);
      expect({ text, ...byHand }).toStrictEqual({ text, ...reference });
    }
  });

  it('give what their decorators give for a missing body and bodies that are no object', async () => {
    const decorated = decoratorsOnly(StartRunRequest);
    for (const value of [undefined, null, [], 'text', 3]) {
      expect(await answer(value, 'body', StartRunRequest)).toStrictEqual(
        await answer(value, 'body', decorated),
      );
    }
  });

  it('give what their decorators give, for every query of the corpus', async () => {
    const decorated = decoratorsOnly(StartRunQuery);
    for (const query of queries()) {
      const byHand = await answer(query(), 'query', StartRunQuery);
      const reference = await answer(query(), 'query', decorated);
      expect({ query: query() as unknown, ...byHand }).toStrictEqual({
        query: query() as unknown,
        ...reference,
      });
    }
  });

  it('are used by the pipe: the request is an instance, and a wrong one is refused with its issues', async () => {
    const body = JSON.parse('{"inputs": {"topic": "x"}, "debug": true, "extra": 1}') as unknown;
    expect(await answer(body, 'body', StartRunRequest)).toStrictEqual({
      fields: { inputs: { topic: 'x' }, debug: true, breakpoints: undefined },
      isInstance: true,
    });
    const spy = jest.spyOn(StartRunRequest, 'fromRequest');
    try {
      expect(await answer({ inputs: [], breakpoints: 'x' }, 'body', StartRunRequest)).toStrictEqual({
        code: 'BAD_REQUEST',
        message:
          'The request body is invalid: inputs must be a JSON object of inputs by name; breakpoints must list at most 1000 step ids.',
        details: {
          issues: [
            { in: 'body', field: 'inputs', message: 'must be a JSON object of inputs by name' },
            { in: 'body', field: 'breakpoints', message: 'must list at most 1000 step ids' },
          ],
        },
      });
      expect(spy).toHaveBeenCalledTimes(1);
    } finally {
      spy.mockRestore();
    }
  });
});

describe('the refusal answered for a start with a wrong body and a wrong query', () => {
  const PARAM_TYPES = { body: RouteParamtypes.BODY, query: RouteParamtypes.QUERY } as const;

  /** Nest's resolution of a route's parameters: concurrently, the first refusal answered. */
  async function firstRefusal(params: Array<[unknown, 'body' | 'query', new () => object]>): Promise<string> {
    const consumer = new PipesConsumer();
    const refused = await Promise.all(
      params.map(([value, type, metatype]) =>
        // Nest hands the consumer the enum and maps it to its name itself (its declared type is the name).
        consumer.apply(value, { type: PARAM_TYPES[type] as unknown as Paramtype, metatype }, [pipe]),
      ),
    ).then(
      () => undefined,
      (err: unknown) => err,
    );
    if (!(refused instanceof ChainmailError)) throw new Error(`expected a refusal, got ${String(refused)}`);
    return refused.message;
  }

  it('is the body that is no object, before the query issues, whichever comes first (as through class-validator)', async () => {
    for (const [request, query] of [
      [StartRunRequest, StartRunQuery],
      [decoratorsOnly(StartRunRequest), decoratorsOnly(StartRunQuery)],
    ]) {
      const body: [unknown, 'body', new () => object] = [[], 'body', request];
      const wait: [unknown, 'query', new () => object] = [{ wait: 'yes' }, 'query', query];
      expect(await firstRefusal([wait, body])).toMatch(/^Send a JSON object/);
      expect(await firstRefusal([body, wait])).toMatch(/^Send a JSON object/);
    }
  });

  it('is the query issues, before the issues of the body fields (as through class-validator)', async () => {
    for (const [request, query] of [
      [StartRunRequest, StartRunQuery],
      [decoratorsOnly(StartRunRequest), decoratorsOnly(StartRunQuery)],
    ]) {
      const body: [unknown, 'body', new () => object] = [{ inputs: [] }, 'body', request];
      const wait: [unknown, 'query', new () => object] = [{ wait: 'yes' }, 'query', query];
      expect(await firstRefusal([wait, body])).toMatch(/^The query parameter is invalid/);
    }
  });
});
