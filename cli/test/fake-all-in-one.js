'use strict';
// A stand-in for dist/services/all-in-one/main.js, for `chainmail up` tests. FAKE_MODE picks the
// behaviour: "ready" (default), "never-ready" (/readyz answers 503) or "crash" (exits at once).
const http = require('node:http');

const mode = process.env.FAKE_MODE || 'ready';
if (mode === 'smtp-busy') {
  console.error(
    'Error: Cannot receive mail on 127.0.0.1:2525 (listen EADDRINUSE: address already in use 127.0.0.1:2525); free the port, choose another with CHAINMAIL_SMTP_PORT, or 0 to turn inbound mail off.',
  );
  process.exit(1);
}
if (mode === 'crash') {
  console.error('Error: connect ECONNREFUSED 127.0.0.1:4222 (NATS)');
  process.exit(3);
}
console.log(`examples from ${process.env.CHAINMAIL_EXAMPLES_DIR}`);
console.log(
  `mail catcher ${process.env.CHAINMAIL_MAIL_CATCHER}, smtp out ${process.env.CHAINMAIL_SMTP_OUT_URL}`,
);
console.log(
  `model ${process.env.CHAINMAIL_MODEL_URL} ${process.env.CHAINMAIL_MODEL_NAME}, key ${process.env.CHAINMAIL_SECRET_MODEL_API_KEY ? 'set' : 'unset'}`,
);
const events = JSON.parse(process.env.FAKE_EVENTS || '[]');

const server = http.createServer((req, res) => {
  const json = (status, body) => {
    res.writeHead(status, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  if (req.url === '/readyz') {
    if (mode === 'never-ready') {
      return json(503, {
        status: 'error',
        checks: { nats: { status: 'down', message: 'connection refused' }, postgres: { status: 'up' } },
      });
    }
    return json(200, { status: 'ok' });
  }
  // Like the real server with a built console: its page at /, no token needed.
  if (req.method === 'GET' && req.url === '/') {
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
    return res.end('<!doctype html><title>Chainmail</title><div id="root"></div>');
  }
  // Like the real server: /v1 needs the admin token it was started with.
  if (
    req.url.startsWith('/v1/') &&
    req.headers.authorization !== `Bearer ${process.env.CHAINMAIL_ADMIN_TOKEN}`
  ) {
    return json(401, { error: { code: 'UNAUTHENTICATED', message: 'no or wrong token' } });
  }
  if (req.method === 'GET' && req.url === '/v1/workflows') {
    return json(200, {
      workflows: [
        { name: 'competitor-analysis', triggers: [{ type: 'email', address: 'competitor-intel@' }] },
      ],
    });
  }
  if (req.method === 'GET' && req.url.startsWith('/v1/mailbox')) {
    return json(200, { catcher: process.env.CHAINMAIL_MAIL_CATCHER === 'true', mails: [] });
  }
  if (req.method === 'POST' && req.url === '/v1/workflows/competitor-analysis/runs') {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      console.log(`run started with ${body}`);
      json(202, { runId: 'run_demo' });
    });
    return;
  }
  if (req.url === '/v1/runs/run_demo/events') {
    res.writeHead(200, { 'Content-Type': 'text/event-stream' });
    for (const e of events) res.write(`data: ${JSON.stringify({ ...e, runId: 'run_demo' })}\n\n`);
    return res.end();
  }
  json(404, { error: { code: 'NOT_FOUND', message: req.url } });
});
server.listen(Number(process.env.PORT), '127.0.0.1', () => console.log(`listening on ${process.env.PORT}`));
process.on('SIGTERM', () => {
  console.log('got SIGTERM, closing');
  server.closeAllConnections();
  server.close(() => process.exit(0));
});
