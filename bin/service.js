#!/usr/bin/env node
'use strict';
// The container's entry point: runs one Chainmail service, chosen by the first argument or by
// CHAINMAIL_SERVICE (default: all-in-one), from the built dist/ of this package.
const path = require('node:path');
const fs = require('node:fs');

const SERVICES = [
  'all-in-one',
  'ingress',
  'execution',
  'projector',
  'registry',
  'scheduling',
  'notification',
];
const chosen = process.argv[2] || process.env.CHAINMAIL_SERVICE || 'all-in-one';
if (!SERVICES.includes(chosen)) {
  process.stderr.write(
    `Unknown Chainmail service "${chosen}" (from ${process.argv[2] ? 'the first argument' : 'CHAINMAIL_SERVICE'}): choose one of ${SERVICES.join(', ')}.\n`,
  );
  process.exit(2);
}
const entry = path.join(__dirname, '..', 'dist', 'services', chosen, 'main.js');
if (!fs.existsSync(entry)) {
  process.stderr.write(`Chainmail is not built (${entry} is missing): run \`npm run build\` first.\n`);
  process.exit(1);
}
require(entry);
