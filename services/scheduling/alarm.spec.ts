import { Alarm } from './alarm';

describe('Alarm', () => {
  it('sleeps for the time asked', async () => {
    const alarm = new Alarm();
    const start = Date.now();
    await alarm.sleep(30);
    expect(Date.now() - start).toBeGreaterThanOrEqual(25);
  });

  it('wake cuts a sleep short', async () => {
    const alarm = new Alarm();
    const start = Date.now();
    const sleeping = alarm.sleep(5_000);
    alarm.wake();
    await sleeping;
    expect(Date.now() - start).toBeLessThan(1_000);
  });

  it('keeps a wake that came while nobody slept, for one sleep only', async () => {
    const alarm = new Alarm();
    alarm.wake();
    const start = Date.now();
    await alarm.sleep(5_000);
    expect(Date.now() - start).toBeLessThan(1_000);
    await alarm.sleep(20);
    expect(Date.now() - start).toBeGreaterThanOrEqual(15);
  });
});
