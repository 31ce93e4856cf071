import { ValidationPipe, type ArgumentMetadata, type ValidationError } from '@nestjs/common';
import { ChainmailError } from '@chainmail/contracts';
import type { CheckedByHand, FieldIssue, RequestValues } from './own-checks';

/** A class whose instances are request bodies, with a one-line example for the error of a body that is no object. */
interface BodyClass {
  example?: string;
}

/**
 * Nest's ValidationPipe over the request DTOs (whitelist: unknown fields are dropped; transform:
 * query text becomes numbers and booleans), with its errors in the API's format: 400 BAD_REQUEST,
 * one issue per failing field with its path and what is expected. A class that checks requests
 * by hand ({@link CheckedByHand}: a hot route's) is checked that way, to the same result.
 */
export class RequestValidationPipe extends ValidationPipe {
  constructor() {
    super({
      whitelist: true,
      transform: true,
      // One issue per field: the first rule it breaks says what is expected.
      stopAtFirstError: true,
      validationError: { target: false, value: false },
      exceptionFactory: (errors: ValidationError[]) => new RequestInvalid(issuesOf(errors, '')),
    });
  }

  override transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    // Most parameters (the caller, path parameters) are no class: Nest's pipe passes them on.
    return this.toValidate(metadata) ? this.check(value, metadata) : super.transform(value, metadata);
  }

  private async check(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    const where = metadata.type === 'query' ? 'query' : 'body';
    if (metadata.type === 'body' && !isBodyObject(value)) {
      const example = (metadata.metatype as BodyClass | undefined)?.example;
      throw new ChainmailError(
        'BAD_REQUEST',
        `Send a JSON object${example !== undefined ? `: ${example}` : ''}.`,
        { issues: [{ in: 'body', field: '', message: 'must be a JSON object' }] },
      );
    }
    const byHand = (metadata.metatype as Partial<CheckedByHand<unknown>>).fromRequest;
    // A missing body (or query) is checked as `{}`, as Nest's pipe does.
    const values = value ?? {};
    if (byHand !== undefined && isPlainRecord(values)) {
      await afterImmediateRefusals();
      const checked = byHand.call(metadata.metatype, values);
      if ('issues' in checked) throw requestInvalid(where, checked.issues);
      return checked.request;
    }
    try {
      return await super.transform(value, metadata);
    } catch (err) {
      if (!(err instanceof RequestInvalid)) throw err;
      throw requestInvalid(where, err.issues);
    }
  }
}

/**
 * Nest resolves a route's parameters concurrently and answers the first refusal. Through
 * class-validator, a parameter's field issues took a few ticks, so a body that is no object
 * (refused at once) was the one answered; a check by hand waits two ticks to keep it so.
 */
async function afterImmediateRefusals(): Promise<void> {
  await Promise.resolve();
  await Promise.resolve();
}

/** The 400 of a request with fields that break their rules: each named, with what is expected. */
function requestInvalid(where: 'body' | 'query', found: FieldIssue[]): ChainmailError {
  const issues = found.map((issue) => ({ ...issue, in: where }));
  const noun = where === 'query' ? 'query parameter' : 'request body';
  return new ChainmailError(
    'BAD_REQUEST',
    `The ${noun} is invalid: ${issues.map((i) => `${i.field} ${i.message}`).join('; ')}.`,
    { issues },
  );
}

/** What a class may check by hand: an object of fields (not a list, not bytes). */
function isPlainRecord(value: unknown): value is RequestValues {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !ArrayBuffer.isView(value);
}

/** A missing body is validated as `{}` (its required fields are then named); anything else must be an object. */
function isBodyObject(value: unknown): boolean {
  return value === undefined || (typeof value === 'object' && value !== null && !Array.isArray(value));
}

class RequestInvalid extends Error {
  constructor(readonly issues: FieldIssue[]) {
    super('request invalid');
  }
}

function issuesOf(errors: ValidationError[], parent: string): FieldIssue[] {
  return errors.flatMap((error) => {
    const field = /^\d+$/.test(error.property)
      ? `${parent}[${error.property}]`
      : parent === ''
        ? error.property
        : `${parent}.${error.property}`;
    const own = Object.values(error.constraints ?? {}).map((message) => ({
      in: '',
      field,
      // class-validator's own messages start with the property's name; ours start with "must".
      message: message.startsWith(`${error.property} `) ? message.slice(error.property.length + 1) : message,
    }));
    return [...own, ...issuesOf(error.children ?? [], field)];
  });
}
