import { cpuMsBetween, cpuMsOf, cpuPerRun, parseStat, startCpuMeter } from './cpu';

describe('parseStat', () => {
  it('reads the name and user + system ticks as ms, whatever the name holds', () => {
    // Fields after the name: state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime …
    const stat = '4242 (a (b) c) S 1 4242 4242 0 -1 4194560 100 0 0 0 250 37 0 0 20 0 1 0';
    expect(parseStat(stat)).toEqual({ name: 'a (b) c', cpuMs: 2870 });
  });
});

describe('cpuMsBetween', () => {
  it('adds what each process used, a new one whole, and leaves out one that exited', () => {
    const before = new Map([
      [1, 100],
      [2, 50],
      [3, 70],
    ]);
    const after = new Map([
      [1, 130],
      [2, 50],
      [4, 20],
    ]);
    expect(cpuMsBetween(before, after)).toBe(50);
  });
});

describe('cpuPerRun', () => {
  it('divides each process by the runs and totals them', () => {
    expect(cpuPerRun(1000, { server: 2310, client: 300, nats: 620, postgres: 550 })).toEqual({
      server: 2.31,
      client: 0.3,
      nats: 0.62,
      postgres: 0.55,
      total: 3.78,
    });
  });

  it('has no server figure for the floor, which runs without one', () => {
    expect(cpuPerRun(100, { client: 110, nats: 40, postgres: 40 })).toEqual({
      client: 1.1,
      nats: 0.4,
      postgres: 0.4,
      total: 1.9,
    });
  });
});

describe('startCpuMeter', () => {
  it("counts this process's work as the client's, and the server's by its pid", async () => {
    const meter = await startCpuMeter(process.pid);
    const start = process.cpuUsage();
    const busyUs = (): number => {
      const used = process.cpuUsage(start);
      return used.user + used.system;
    };
    while (busyUs() < 200_000); // 200 ms of CPU to be found: 20 ms per run
    const cpu = await meter.perRun(10);
    expect(cpu?.client).toBeGreaterThanOrEqual(20);
    // The same process read from /proc, at its 10 ms (1 ms a run) resolution.
    expect(cpu?.server).toBeGreaterThanOrEqual(19);
    expect(cpu?.nats).toBeGreaterThanOrEqual(0);
    expect(cpu?.postgres).toBeGreaterThanOrEqual(0);
  });

  it('reads the CPU time of a process from /proc', async () => {
    expect(await cpuMsOf(process.pid)).toBeGreaterThan(0);
  });
});
