import { round } from './stats';

/** The parts of a V8 `.cpuprofile` (what `node --cpu-prof` writes) the summary reads. */
export interface CpuProfile {
  nodes: {
    id: number;
    callFrame: { functionName: string; url: string; lineNumber: number };
  }[];
  /** Microseconds, on the same monotonic clock as `process.hrtime`. */
  startTime: number;
  endTime: number;
  /** Node id of each sample, and the time since the previous sample (µs). */
  samples: number[];
  timeDeltas: number[];
}

export interface CostLine {
  name: string;
  selfMs: number;
  msPerRun: number;
  /** Share of the busy (not idle) time in the window. */
  share: number;
}

export interface ProfileSummary {
  /** Busy CPU time (every sample but `(idle)`) in the window, total and per run. */
  busyMs: number;
  busyMsPerRun: number;
  /** The window asked for did not overlap the profile: the whole profile was summarized. */
  wholeProfile: boolean;
  byFunction: CostLine[];
  byGroup: CostLine[];
}

const IDLE = '(idle)';

/**
 * Self time by function and by package or source folder, per run, over the samples taken inside
 * `windowUs` (the throughput phase; startup and the bench's other phases are left out).
 */
export function summarizeProfile(
  profile: CpuProfile,
  runs: number,
  options: { windowUs?: [number, number]; top?: number } = {},
): ProfileSummary {
  const top = options.top ?? 15;
  const frames = new Map(profile.nodes.map((n) => [n.id, n.callFrame]));
  const times = sampleTimes(profile);
  const [from, to] = options.windowUs ?? [-Infinity, Infinity];
  let inWindow = times.some((t) => t >= from && t <= to);
  const wholeProfile = !inWindow;
  const byFunction = new Map<string, number>();
  const byGroup = new Map<string, number>();
  let busyUs = 0;
  profile.samples.forEach((nodeId, i) => {
    inWindow = wholeProfile || (times[i] >= from && times[i] <= to);
    const frame = frames.get(nodeId);
    if (!inWindow || !frame) return;
    // A sample stands for the time until the next one.
    const duration = (i + 1 < times.length ? times[i + 1] : profile.endTime) - times[i];
    if (frame.functionName === IDLE) return;
    busyUs += duration;
    const fn = functionLabel(frame);
    byFunction.set(fn, (byFunction.get(fn) ?? 0) + duration);
    const group = groupOf(frame.url, frame.functionName);
    byGroup.set(group, (byGroup.get(group) ?? 0) + duration);
  });
  const perRun = Math.max(1, runs);
  const lines = (costs: Map<string, number>): CostLine[] =>
    [...costs.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, us]) => ({
        name,
        selfMs: round(us / 1000, 1),
        msPerRun: round(us / 1000 / perRun, 4),
        share: round(busyUs > 0 ? us / busyUs : 0, 3),
      }));
  return {
    busyMs: round(busyUs / 1000, 1),
    busyMsPerRun: round(busyUs / 1000 / perRun, 3),
    wholeProfile,
    byFunction: lines(byFunction),
    byGroup: lines(byGroup),
  };
}

function sampleTimes(profile: CpuProfile): number[] {
  const times: number[] = [];
  let t = profile.startTime;
  for (const delta of profile.timeDeltas) {
    t += delta;
    times.push(t);
  }
  return times;
}

function functionLabel(frame: { functionName: string; url: string; lineNumber: number }): string {
  const name = frame.functionName || '(anonymous)';
  if (!frame.url) return name;
  return `${name} ${shortPath(frame.url)}:${frame.lineNumber + 1}`;
}

/** The file's path from the package or project folder on (`nats/lib/nats-base-client/…`). */
function shortPath(url: string): string {
  const path = url.replace(/^file:\/\//, '');
  const modules = path.lastIndexOf('/node_modules/');
  if (modules >= 0) return path.slice(modules + '/node_modules/'.length);
  const dist = path.lastIndexOf('/dist/');
  if (dist >= 0) return path.slice(dist + '/dist/'.length);
  return path;
}

/**
 * Where the time goes, coarsely: a package (`pg`, `@nestjs/core`), a project folder
 * (`libs/engine`, `services/execution`), Node's own code (`node:internal/streams`), or V8's
 * pseudo-frames (`(garbage collector)`, `(program)`).
 */
export function groupOf(url: string, functionName = ''): string {
  if (!url) return functionName.startsWith('(') ? functionName : '(native)';
  if (url.startsWith('node:')) {
    const parts = url.slice('node:'.length).split('/');
    return `node:${parts[0] === 'internal' && parts.length > 2 ? `internal/${parts[1]}` : parts[0]}`;
  }
  const path = url.replace(/^file:\/\//, '');
  const modules = path.lastIndexOf('/node_modules/');
  if (modules >= 0) {
    const parts = path.slice(modules + '/node_modules/'.length).split('/');
    return parts[0].startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0];
  }
  // Compiled project code sits under dist/; the folder names after it are the project's own.
  const dist = path.lastIndexOf('/dist/');
  const project = /^(libs|services|cli|bench)\/([^/]+)\//.exec(
    dist >= 0 ? path.slice(dist + '/dist/'.length) : '',
  );
  if (project) return `${project[1]}/${project[2]}`;
  return path.split('/').pop() ?? path;
}

/** The summary as text lines for the console. */
export function formatProfileSummary(summary: ProfileSummary, runs: number): string[] {
  const out = [
    `CPU profile of the Chainmail process: ${summary.busyMs} ms busy over ${runs} runs = ${summary.busyMsPerRun} ms/run` +
      (summary.wholeProfile ? ' (whole profile: the phase window was not found in it)' : ''),
  ];
  const table = (title: string, lines: CostLine[]): void => {
    out.push(`  ${title}`);
    for (const l of lines) {
      out.push(
        `    ${String(l.msPerRun.toFixed(4)).padStart(9)} ms/run  ${(l.share * 100).toFixed(1).padStart(5)}%  ${l.name}`,
      );
    }
  };
  table('self time by package / folder', summary.byGroup);
  table('self time by function', summary.byFunction);
  return out;
}
