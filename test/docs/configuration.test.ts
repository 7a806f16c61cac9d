import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderReference } from '../../agent/config-reference.ts';
import { registry } from '../../agent/registry.ts';

describe('docs/configuration.md', () => {
  it('carries the component reference generated from the schemas (run `faultline components --markdown` to refresh it)', () => {
    const doc = readFileSync('docs/configuration.md', 'utf8');
    const section = /<!-- components:begin -->\n([\s\S]*)<!-- components:end -->/.exec(doc)?.[1];
    expect(section).toBe(renderReference(registry));
  });
});
