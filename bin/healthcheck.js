#!/usr/bin/env node
'use strict';
// The container's health check. A service that serves HTTP (ingress, all-in-one) is healthy when
// GET /readyz on its PORT answers 200 (`--live`: GET /healthz); any other service when its
// heartbeat file (CHAINMAIL_HEARTBEAT_FILE, touched while its NATS connection is open) is fresh.
const fs = require('node:fs');

const HTTP_SERVICES = ['all-in-one', 'ingress'];
const MAX_AGE_MS = Number(process.env.CHAINMAIL_HEARTBEAT_MAX_AGE_MS || 20000);
const service = process.env.CHAINMAIL_SERVICE || 'all-in-one';

function fail(message) {
  process.stderr.write(`unhealthy: ${message}\n`);
  process.exit(1);
}

if (HTTP_SERVICES.includes(service)) {
  const port = process.env.PORT || '8080';
  const path = process.argv.includes('--live') ? '/healthz' : '/readyz';
  const url = `http://127.0.0.1:${port}${path}`;
  fetch(url, { signal: AbortSignal.timeout(3000) })
    .then((res) => (res.status === 200 ? process.exit(0) : fail(`GET ${url} answered ${res.status}`)))
    .catch((err) => fail(`GET ${url}: ${err.message}`));
} else {
  const file = process.env.CHAINMAIL_HEARTBEAT_FILE;
  if (!file)
    fail(`CHAINMAIL_HEARTBEAT_FILE is not set for ${service}: set it so the service writes a heartbeat`);
  let age;
  try {
    age = Date.now() - fs.statSync(file).mtimeMs;
  } catch (err) {
    fail(`no heartbeat file ${file} yet (${err.code})`);
  }
  if (age > MAX_AGE_MS) fail(`the heartbeat file ${file} is ${Math.round(age / 1000)} s old`);
  process.exit(0);
}
