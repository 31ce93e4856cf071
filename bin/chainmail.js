#!/usr/bin/env node
'use strict';
// The CLI is compiled from cli/ to dist/cli/ by `npm run build`.
const path = require('node:path');
const entry = path.join(__dirname, '..', 'dist', 'cli', 'main.js');
let cli;
try {
  cli = require(entry);
} catch (err) {
  if (err && err.code === 'MODULE_NOT_FOUND' && String(err.message).includes(entry)) {
    process.stderr.write(`chainmail is not built (${entry} is missing): run \`npm run build\` first.\n`);
    process.exit(1);
  }
  throw err;
}
cli.main();
