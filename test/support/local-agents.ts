import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * Local stand-ins for the world agents talk to: what the agent end-to-end tests share.
 */

export interface LocalServer {
  url: string;
  requests: { path: string; headers: IncomingMessage['headers']; body: string }[];
  server: Server;
  close(): Promise<void>;
}

/** An HTTP server on a free loopback port that records every request and answers with `handler`. */
export async function listen(
  handler: (body: string, req: IncomingMessage, res: ServerResponse) => void | Promise<void>,
): Promise<LocalServer> {
  const requests: LocalServer['requests'] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('utf8')));
    req.on('end', () => {
      requests.push({ path: req.url ?? '', headers: req.headers, body });
      void handler(body, req, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    server,
    close: async () => {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    },
  };
}

/** A chat-completions server answering `<prefix> <user message>` with this usage per call. */
export function fakeModel(
  prefix: string,
  usage = { prompt_tokens: 1000, completion_tokens: 2000 },
): Promise<LocalServer> {
  return listen((body, _req, res) => {
    const request = JSON.parse(body) as { model: string; messages: { role: string; content: string }[] };
    const user = request.messages.find((m) => m.role === 'user')?.content ?? '';
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end(
      JSON.stringify({
        model: request.model,
        choices: [{ index: 0, message: { role: 'assistant', content: `${prefix} ${user}` } }],
        usage: { ...usage, total_tokens: usage.prompt_tokens + usage.completion_tokens },
      }),
    );
  });
}
