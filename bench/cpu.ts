import { readdir, readFile } from 'node:fs/promises';
import { round } from './stats';

/**
 * CPU time per run of every process that does a run's work, over one phase: on a machine of a few
 * cores they all share the CPUs, so this says where the machine's time goes (and how much of it
 * the load generator takes). Read from /proc (Linux); elsewhere the figures are not measured.
 */
export interface CpuPerRun {
  /** The Chainmail process; absent for the floor, which has none. */
  server?: number;
  /** This process: the REST clients, or for the floor the bare engine itself. */
  client: number;
  /** Every process named nats-server / postgres on the machine, summed. */
  nats: number;
  postgres: number;
  total: number;
}

/** Linux reports CPU time in clock ticks; 100 a second on every common kernel configuration. */
const CLOCK_TICKS_PER_SECOND = 100;

/** The command name and the CPU time (user + system, ms) in the text of a /proc/<pid>/stat. */
export function parseStat(stat: string): { name: string; cpuMs: number } {
  // The command name (field 2) may hold spaces and parentheses; the fields after its last ")" are fixed.
  const close = stat.lastIndexOf(')');
  const fields = stat.slice(close + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]);
  return { name: stat.slice(stat.indexOf('(') + 1, close), cpuMs: (ticks * 1000) / CLOCK_TICKS_PER_SECOND };
}

/** CPU time (user + system) the process has used so far, in ms, from /proc/<pid>/stat. */
export async function cpuMsOf(pid: number): Promise<number> {
  return parseStat(await readFile(`/proc/${pid}/stat`, 'utf8')).cpuMs;
}

/** CPU ms so far, by pid. */
type CpuByPid = Map<number, number>;

interface Infrastructure {
  nats: CpuByPid;
  postgres: CpuByPid;
}

/** CPU ms so far of the processes named nats-server and postgres; undefined without /proc. */
async function infrastructureCpu(): Promise<Infrastructure | undefined> {
  let entries: string[];
  try {
    entries = await readdir('/proc');
  } catch {
    return undefined;
  }
  const nats: CpuByPid = new Map();
  const postgres: CpuByPid = new Map();
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = parseStat(await readFile(`/proc/${entry}/stat`, 'utf8'));
      if (stat.name === 'nats-server') nats.set(Number(entry), stat.cpuMs);
      if (stat.name === 'postgres') postgres.set(Number(entry), stat.cpuMs);
    } catch {
      // the process exited while the list was read
    }
  }
  return { nats, postgres };
}

/**
 * CPU used between two readings by pid: a process that started in between counts whole, one that
 * exited in between is lost (its last reading is gone with it).
 */
export function cpuMsBetween(before: CpuByPid, after: CpuByPid): number {
  let ms = 0;
  for (const [pid, now] of after) ms += now - (before.get(pid) ?? 0);
  return ms;
}

interface Reading extends Infrastructure {
  server?: number;
}

/** The other processes' CPU so far; undefined without /proc. */
async function readOthers(serverPid: number | undefined): Promise<Reading | undefined> {
  const infrastructure = await infrastructureCpu();
  if (!infrastructure) return undefined;
  const server = serverPid === undefined ? undefined : await cpuMsOf(serverPid);
  return { server, ...infrastructure };
}

/**
 * Starts a CPU meter over the processes of a phase; `perRun(runs)` at its end gives each one's
 * CPU ms per run, or undefined where /proc cannot be read. `serverPid`: the Chainmail process, if any.
 * This process's own figure leaves out the meter's own readings of /proc.
 */
export async function startCpuMeter(
  serverPid?: number,
): Promise<{ perRun(runs: number): Promise<CpuPerRun | undefined> }> {
  const before = await readOthers(serverPid);
  const clientBefore = process.cpuUsage();
  return {
    async perRun(runs) {
      const client = process.cpuUsage(clientBefore);
      const after = before && (await readOthers(serverPid));
      if (!before || !after) return undefined;
      return cpuPerRun(runs, {
        server: after.server === undefined ? undefined : after.server - (before.server ?? 0),
        client: (client.user + client.system) / 1000,
        nats: cpuMsBetween(before.nats, after.nats),
        postgres: cpuMsBetween(before.postgres, after.postgres),
      });
    },
  };
}

/** Each process's CPU ms over a phase, divided by its runs, and their total. */
export function cpuPerRun(runs: number, used: Omit<CpuPerRun, 'total'>): CpuPerRun {
  const per = (ms: number): number => round(ms / runs, 2);
  const total = (used.server ?? 0) + used.client + used.nats + used.postgres;
  return {
    ...(used.server === undefined ? {} : { server: per(used.server) }),
    client: per(used.client),
    nats: per(used.nats),
    postgres: per(used.postgres),
    total: per(total),
  };
}
