import { describeCron } from './describe-cron';

describe('describeCron', () => {
  it.each([
    ['0 7 * * *', 'Every day at 7:00'],
    ['0 9 * * 1', 'Mondays at 9:00'],
    ['0 9 * * MON', 'Mondays at 9:00'],
    ['30 8 * * 1-5', 'Weekdays at 8:30'],
    ['30 8 * * mon-fri', 'Weekdays at 8:30'],
    ['0 10 * * 0,6', 'Weekends at 10:00'],
    ['0 10 * * SAT,SUN', 'Weekends at 10:00'],
    ['0 18 * * 1,3,5', 'Mondays, Wednesdays and Fridays at 18:00'],
    ['0 18 * * 7,1', 'Mondays and Sundays at 18:00'],
    ['0 7 * * 0-6', 'Every day at 7:00'],
    ['* * * * *', 'Every minute'],
    ['*/1 * * * *', 'Every minute'],
    ['*/15 * * * *', 'Every 15 minutes'],
    ['0 * * * *', 'Every hour'],
    ['5 * * * *', 'Every hour at :05'],
    ['0 */6 * * *', 'Every 6 hours'],
    ['15 */2 * * *', 'Every 2 hours at :15'],
    ['0 9,17 * * *', 'Every day at 9:00 and 17:00'],
    ['0 9 1 * *', 'On the 1st of every month at 9:00'],
    ['0 9 1,15 * *', 'On the 1st and 15th of every month at 9:00'],
    ['0 0 1 3 *', 'Every year on March 1 at 0:00'],
    ['0 0 25 dec *', 'Every year on December 25 at 0:00'],
    ['@daily', 'Every day at 0:00'],
    ['@hourly', 'Every hour'],
    ['@weekly', 'Sundays at 0:00'],
    ['@monthly', 'On the 1st of every month at 0:00'],
    ['@yearly', 'Every year on January 1 at 0:00'],
    ['* * * * * *', 'Every second'],
    ['*/2 * * * * *', 'Every 2 seconds'],
    ['0 30 8 * * 1-5', 'Weekdays at 8:30'],
    ['0 7 ? * *', 'Every day at 7:00'],
  ])('%s → %s', (expression, words) => {
    expect(describeCron(expression)).toBe(words);
  });

  it.each([
    '0 9 * * 1#2', // the second Monday
    '0 9 L * *', // the last day of the month
    '0 9 1 * 1', // the 1st OR a Monday: easy to misread in words
    '5/5 * * * *',
    '0 1,2,3,4,5,6 * * *', // too many times to list
    '10 */2 * * * *',
    '0 9-17/2 * * *',
    'nonsense',
  ])('leaves %s as written', (expression) => {
    expect(describeCron(expression)).toBe(expression);
  });
});
