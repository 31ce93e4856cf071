/** What `npm run bench -- …` accepts. */

export const PHASES = ['floor', 'wait', 'poll', 'steps', 'parked', 'rebuild', 'recovery'] as const;
export type Phase = (typeof PHASES)[number];

export interface Counts {
  /** Runs per measurement at concurrency 16, and one at a time. */
  concurrentRuns: number;
  sequentialRuns: number;
  /** 1-step / 4-step pairs for the per-step overhead. */
  stepPairs: number;
  warmupRuns: number;
  floorSamples: number;
  parkedRuns: number;
  idleSeconds: number;
  rebuildEvents: number;
}

export interface BenchOptions {
  phases: Set<Phase>;
  quick: boolean;
  concurrency: number;
  counts: Counts;
  /** Directory for the CPU profile of the throughput phases. */
  profileDir?: string;
  out?: string;
}

const FULL: Counts = {
  concurrentRuns: 2000,
  sequentialRuns: 300,
  stepPairs: 200,
  warmupRuns: 200,
  floorSamples: 500,
  parkedRuns: 10_000,
  idleSeconds: 10,
  rebuildEvents: 100_000,
};

/** A smoke run: every phase works, figures are rough. */
const QUICK: Counts = {
  concurrentRuns: 200,
  sequentialRuns: 30,
  stepPairs: 20,
  warmupRuns: 30,
  floorSamples: 50,
  parkedRuns: 300,
  idleSeconds: 3,
  rebuildEvents: 5_000,
};

export const USAGE = `usage: npm run bench -- [--quick] [--only ${PHASES.join(',')}] [--profile DIR] [--out FILE]
  --quick          a short smoke run with small counts (figures are rough)
  --only a,b       run only these phases (default: all)
  --profile DIR    write a CPU profile of the Chainmail process over the throughput phases (or, alone, the rebuild) to DIR
  --out FILE       where to save the JSON (default: bench/results/latest.json)`;

export class OptionsError extends Error {}

export function parseOptions(argv: string[]): BenchOptions {
  const options: BenchOptions = {
    phases: new Set(PHASES),
    quick: false,
    concurrency: 16,
    counts: FULL,
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined || v.startsWith('--')) throw new OptionsError(`${arg} needs a value.\n${USAGE}`);
      return v;
    };
    switch (arg) {
      case '--quick':
        options.quick = true;
        break;
      case '--only': {
        const names = value()
          .split(',')
          .map((s) => s.trim())
          .filter((s) => s !== '');
        const unknown = names.filter((n) => !(PHASES as readonly string[]).includes(n));
        if (unknown.length > 0 || names.length === 0) {
          throw new OptionsError(
            `--only: unknown phase ${unknown.map((n) => `"${n}"`).join(', ') || '(none given)'}; choose from ${PHASES.join(', ')}.`,
          );
        }
        options.phases = new Set(names as Phase[]);
        break;
      }
      case '--profile':
        options.profileDir = value();
        break;
      case '--out':
        options.out = value();
        break;
      default:
        throw new OptionsError(`unknown option "${arg}".\n${USAGE}`);
    }
  }
  options.counts = options.quick ? QUICK : FULL;
  if (
    options.profileDir !== undefined &&
    !(['wait', 'poll', 'rebuild'] as const).some((p) => options.phases.has(p))
  ) {
    throw new OptionsError(
      '--profile profiles the throughput and rebuild phases: add wait, poll or rebuild to --only.',
    );
  }
  return options;
}
