import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { validate } from 'dockerfile-utils';
import { REPO_ROOT } from './render';

/**
 * The Dockerfile, checked statically: dockerfile-utils' linter (the rules of the VS Code Docker
 * language server) finds nothing, and the image is what the issue asks for: multi-stage,
 * production dependencies only, pinned base images, a non-root user, a health check, and the
 * service chosen by an argument or CHAINMAIL_SERVICE.
 */
const text = readFileSync(join(REPO_ROOT, 'Dockerfile'), 'utf8');

/** Instructions, comments and continuations folded: `[KEYWORD, rest]`. */
function instructions(source: string): [string, string][] {
  return source
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'))
    .map((l) => {
      const [keyword, ...rest] = l.split(/\s+/);
      return [keyword.toUpperCase(), rest.join(' ')];
    });
}

/** The house rules on top of the linter; empty when the Dockerfile keeps them. */
function houseRules(source: string): string[] {
  const all = instructions(source);
  const problems: string[] = [];
  const froms = all.filter(([k]) => k === 'FROM').map(([, v]) => v.split(/\s+/)[0]);
  if (froms.length < 2) problems.push('not multi-stage');
  for (const image of froms)
    if (!/^[\w./-]+:[\w.-]+$/.test(image) || image.endsWith(':latest'))
      problems.push(`base image ${image} is not pinned to a tag`);
  const lastFrom = all.map(([k]) => k).lastIndexOf('FROM');
  const final = all.slice(lastFrom);
  const user = final.filter(([k]) => k === 'USER').at(-1)?.[1];
  if (user === undefined || user === 'root' || user === '0') problems.push('the final stage runs as root');
  if (!final.some(([k]) => k === 'HEALTHCHECK')) problems.push('no HEALTHCHECK in the final stage');
  if (all.some(([k, v]) => k === 'RUN' && /npm install\b/.test(v)))
    problems.push('npm install instead of npm ci');
  if (!all.some(([k, v]) => k === 'RUN' && /npm ci .*--omit=dev/.test(v)))
    problems.push('no production-only install (npm ci --omit=dev)');
  if (all.some(([k, v]) => k === 'ADD' && /https?:\/\//.test(v))) problems.push('ADD of a URL');
  return problems;
}

describe('Dockerfile', () => {
  it('passes the linter', () => {
    expect(validate(text).map((d) => `line ${d.range.start.line + 1}: ${d.message}`)).toEqual([]);
  });

  it('is multi-stage, production dependencies only, pinned, non-root, with a health check', () => {
    expect(houseRules(text)).toEqual([]);
  });

  it('chooses the service by argument or CHAINMAIL_SERVICE through bin/service.js', () => {
    const all = instructions(text);
    expect(all).toContainEqual(['ENTRYPOINT', '["node", "bin/service.js"]']);
    expect(all.find(([k]) => k === 'ENV')?.[1]).toContain('CHAINMAIL_SERVICE=all-in-one');
  });

  it('the checks refuse a single-stage, root, unpinned image without a health check', () => {
    const bad = 'FROM node\nWORKDIR /app\nRUN npm install\nCMD a\nCMD b\n';
    expect(validate(bad).length).toBeGreaterThan(0);
    expect(houseRules(bad)).toEqual([
      'not multi-stage',
      'base image node is not pinned to a tag',
      'the final stage runs as root',
      'no HEALTHCHECK in the final stage',
      'npm install instead of npm ci',
      'no production-only install (npm ci --omit=dev)',
    ]);
  });
});
