import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const readme = readFileSync('README.md', 'utf8');

describe('README', () => {
  it('opens with the two set-up commands, and its test command is the one CI runs', () => {
    expect(readme).toContain('```sh\nnpm install && npm start\n```');
    expect(readme).toContain('```sh\nnpm test\n```');
    expect(readFileSync('.ci/run', 'utf8')).toMatch(/^npm test\b/m);
  });

  it('stays a quickstart and map: references live in docs/, each linked from it', () => {
    expect(readme.split('\n').length).toBeLessThan(300);
    for (const doc of ['configuration', 'api', 'metrics', 'simulate-and-replay', 'operations']) {
      expect(readme).toContain(`](docs/${doc}.md)`);
    }
  });
});
