/**
 * A server-sent events reader (the WHATWG `text/event-stream` format): lines end in CRLF, LF or
 * CR; `data:` lines accumulate; a blank line dispatches; `:` lines are comments (keep-alives).
 * Small enough to own rather than depend on a browser-shaped EventSource polyfill.
 */
export interface SseMessage {
  event: string;
  data: string;
  id?: string;
}

export class SseParser {
  private buffer = '';
  private data: string[] = [];
  private event = '';
  private id: string | undefined;
  private lastId: string | undefined;
  private started = false;

  /** Feeds decoded text; returns the messages completed by it. */
  push(text: string): SseMessage[] {
    if (!this.started && text.length > 0) {
      this.started = true;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    this.buffer += text;
    const messages: SseMessage[] = [];
    for (;;) {
      const end = this.buffer.search(/\r\n|\r|\n/);
      if (end < 0) break;
      // A CR at the very end may be the first half of a CRLF split across chunks: wait for more.
      if (this.buffer[end] === '\r' && end === this.buffer.length - 1) break;
      const line = this.buffer.slice(0, end);
      const width = this.buffer.startsWith('\r\n', end) ? 2 : 1;
      this.buffer = this.buffer.slice(end + width);
      const message = this.line(line);
      if (message) messages.push(message);
    }
    return messages;
  }

  /**
   * Ends the stream. A line held back for a possible CRLF is complete after all; a message
   * with no blank line after it is dropped, as the format requires.
   */
  end(): SseMessage[] {
    const held = this.buffer.endsWith('\r') ? this.line(this.buffer.slice(0, -1)) : undefined;
    this.buffer = '';
    this.data = [];
    this.event = '';
    return held ? [held] : [];
  }

  private line(line: string): SseMessage | undefined {
    if (line === '') return this.dispatch();
    if (line.startsWith(':')) return undefined;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'data') this.data.push(value);
    else if (field === 'event') this.event = value;
    else if (field === 'id' && !value.includes('\0')) this.id = value;
    return undefined;
  }

  private dispatch(): SseMessage | undefined {
    if (this.id !== undefined) this.lastId = this.id;
    this.id = undefined;
    const event = this.event || 'message';
    this.event = '';
    if (this.data.length === 0) return undefined;
    const data = this.data.join('\n');
    this.data = [];
    return { event, data, id: this.lastId };
  }
}

/** Reads a byte stream (a fetch response body) as server-sent events. */
export async function* readSse(body: AsyncIterable<Uint8Array>): AsyncGenerator<SseMessage> {
  const decoder = new TextDecoder();
  const parser = new SseParser();
  for await (const chunk of body) {
    yield* parser.push(decoder.decode(chunk, { stream: true }));
  }
  yield* parser.push(decoder.decode());
  yield* parser.end();
}
