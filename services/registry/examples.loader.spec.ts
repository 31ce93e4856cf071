import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseWorkflow } from '@chainmail/workflow-dsl';
import { isPipeline } from './examples.loader';

const dir = join(__dirname, '..', '..', 'examples');

describe('the examples published at start', () => {
  it('are the pipelines with a trigger; construct demos and the seed sketch stay files', () => {
    const published = readdirSync(dir)
      .filter((f) => f.endsWith('.yaml'))
      .filter((f) => {
        const parsed = parseWorkflow(readFileSync(join(dir, f), 'utf8'));
        if (!parsed.ok) throw new Error(`${f}: ${parsed.errors[0]?.message}`);
        return isPipeline(parsed.definition);
      })
      .sort();
    expect(published).toEqual(['competitor-analysis.yaml', 'daily-news-digest.yaml', 'human-review.yaml']);
  });
});
