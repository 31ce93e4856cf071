import { durationInWords } from './duration-words';

describe('durationInWords', () => {
  it.each([
    [0, '0 ms'],
    [850, '850 ms'],
    [999.4, '999 ms'],
    [1000, '1 second'],
    [1499, '1 second'],
    [45_000, '45 seconds'],
    [45_400, '45 seconds'],
    [59_600, '1 minute'],
    [60_000, '1 minute'],
    [61_000, '1 minute 1 second'],
    [185_000, '3 minutes 5 seconds'],
    [3_600_000, '1 hour'],
    [3_661_000, '1 hour 1 minute'],
    [7_800_000, '2 hours 10 minutes'],
  ])('%d ms reads "%s"', (ms, words) => {
    expect(durationInWords(ms)).toBe(words);
  });

  it('reads nonsense as no time at all', () => {
    expect(durationInWords(-5)).toBe('0 ms');
    expect(durationInWords(Number.NaN)).toBe('0 ms');
  });
});
