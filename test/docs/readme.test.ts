import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderReference } from '../../agent/config-reference.ts';
import { registry } from '../../agent/registry.ts';

const readme = readFileSync('README.md', 'utf8');

describe('README', () => {
  it('carries the component reference generated from the schemas (run `faultline components --markdown` to refresh it)', () => {
    const section = /<!-- components:begin -->\n([\s\S]*)<!-- components:end -->/.exec(readme)?.[1];
    expect(section).toBe(renderReference(registry));
  });

  it('opens with the two set-up commands, and its test command is the one CI runs', () => {
    expect(readme).toContain('```sh\nnpm install && npm start\n```');
    expect(readme).toContain('```sh\nnpm test\n```');
    expect(readFileSync('.ci/run', 'utf8')).toMatch(/^npm test\b/m);
  });
});
