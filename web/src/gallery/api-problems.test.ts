import { describe, expect, it } from 'vitest';
import { ApiError } from '../api/api';
import { problemsByField } from './api-problems';

describe("the API's problems by form field", () => {
  it("put a request field's problems beside it, a list item's beside the list", () => {
    const error = new ApiError(400, 'BAD_REQUEST', 'The request body is invalid: …', {
      issues: [
        { in: 'body', field: 'title', message: 'must be at least 3 characters' },
        { in: 'body', field: 'tags[1]', message: "each tag must be lower-case letters, digits and '-'" },
        { in: 'body', field: 'agents.ann-writer@', message: 'must be an agent address such as my-writer@' },
      ],
    } as unknown as ApiError['details']);
    expect(problemsByField(error)).toEqual({
      title: ['must be at least 3 characters'],
      tags: ["each tag must be lower-case letters, digits and '-'"],
      'agents.ann-writer@': ['must be an agent address such as my-writer@'],
    });
  });

  it("put a template parameter's problems beside the parameter", () => {
    const error = new ApiError(400, 'TEMPLATE_PARAMS_INVALID', 'The parameters … have 2 problem(s)', {
      template: 'translation',
      issues: [
        { param: 'concurrency', message: 'concurrency must be a number (got "lots")' },
        { param: 'colour', message: '"colour" is not a parameter of translation' },
      ],
    } as unknown as ApiError['details']);
    expect(problemsByField(error)).toEqual({
      'params.concurrency': ['concurrency must be a number (got "lots")'],
      'params.colour': ['"colour" is not a parameter of translation'],
    });
  });

  it('have nothing to place for an error without fields', () => {
    expect(problemsByField(new ApiError(409, 'CONFLICT', 'up to date'))).toEqual({});
    expect(problemsByField(new Error('offline'))).toEqual({});
  });
});
