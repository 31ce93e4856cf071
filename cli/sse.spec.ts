import fc from 'fast-check';
import { readSse, SseParser, type SseMessage } from './sse';

async function* bytes(pieces: readonly string[]): AsyncGenerator<Uint8Array> {
  for (const piece of pieces) yield new TextEncoder().encode(piece);
}

async function readAll(pieces: readonly string[]): Promise<SseMessage[]> {
  const out: SseMessage[] = [];
  for await (const message of readSse(bytes(pieces))) out.push(message);
  return out;
}

describe('SseParser', () => {
  it('joins data lines, takes event and id, skips comments and empty messages', () => {
    const parser = new SseParser();
    const text = ': hello\n\nevent: step\nid: 7\ndata: {"a":\ndata:1}\n\nretry: 10\n\ndata\n\n';
    expect(parser.push(text)).toEqual([
      { event: 'step', data: '{"a":\n1}', id: '7' },
      { event: 'message', data: '', id: '7' },
    ]);
  });

  it('drops a message not ended by a blank line', async () => {
    expect(await readAll(['data: a\n\ndata: b\n'])).toEqual([{ event: 'message', data: 'a', id: undefined }]);
  });

  it('treats a CR held at the end of a chunk as a line end when the stream ends', async () => {
    expect(await readAll(['data: a\r\r'])).toEqual([{ event: 'message', data: 'a', id: undefined }]);
  });

  it('decodes multi-byte characters split across chunks', async () => {
    const encoded = new TextEncoder().encode('data: ✓ done\n\n');
    async function* split(): AsyncGenerator<Uint8Array> {
      yield encoded.slice(0, 7);
      yield encoded.slice(7);
    }
    const out: SseMessage[] = [];
    for await (const m of readSse(split())) out.push(m);
    expect(out.map((m) => m.data)).toEqual(['✓ done']);
  });

  it('reads the same messages however the stream is cut and whichever line ends it uses', async () => {
    const line = fc.stringMatching(/^[^\r\n]*$/);
    const message = fc.record({
      event: fc.option(fc.stringMatching(/^[a-zA-Z]{1,8}$/), { nil: undefined }),
      data: fc.array(line, { minLength: 1, maxLength: 3 }),
    });
    await fc.assert(
      fc.asyncProperty(
        fc.array(message, { maxLength: 5 }),
        fc.constantFrom('\n', '\r\n', '\r'),
        fc.array(fc.nat(), { maxLength: 6 }),
        async (messages, eol, cuts) => {
          const text = messages
            .map(
              (m) =>
                [...(m.event ? [`event: ${m.event}`] : []), ...m.data.map((d) => `data: ${d}`)].join(eol) +
                eol +
                eol,
            )
            .join(`: keep-alive${eol}`);
          const points = [...new Set(cuts.map((c) => c % (text.length + 1)))].sort((a, b) => a - b);
          const pieces = [0, ...points].map((p, i, all) => text.slice(p, all[i + 1] ?? text.length));
          const read = await readAll(pieces);
          expect(read.map((m) => ({ event: m.event, data: m.data }))).toEqual(
            messages.map((m) => ({ event: m.event ?? 'message', data: m.data.join('\n') })),
          );
        },
      ),
      { numRuns: 200 },
    );
  });
});
