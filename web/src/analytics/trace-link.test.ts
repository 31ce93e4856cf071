import { describe, expect, it } from 'vitest';
import { traceUrl } from './trace-link';

describe('traceUrl', () => {
  const id = '4bf92f3577b34da6a3ce929d0e0e4736';

  it("puts the run's trace id where the template says, as often as it says", () => {
    expect(traceUrl('http://localhost:16686/trace/{traceId}', id)).toBe(`http://localhost:16686/trace/${id}`);
    expect(traceUrl('https://t.example/?q={traceId}&again={traceId}', id)).toBe(
      `https://t.example/?q=${id}&again=${id}`,
    );
  });

  it('gives no link without a template, a trace id, the placeholder or an http(s) address', () => {
    expect(traceUrl(null, id)).toBeNull();
    expect(traceUrl('http://localhost:16686/trace/{traceId}', null)).toBeNull();
    expect(traceUrl('http://localhost:16686/search', id)).toBeNull();
    expect(traceUrl('javascript:alert("{traceId}")', id)).toBeNull();
  });
});
