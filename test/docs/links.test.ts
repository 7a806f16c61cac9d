// Links between the README and docs/ stay true as files move: every relative link names a file or
// folder that exists, and a #fragment into a Markdown file names one of its headings.
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, normalize } from 'node:path';
import { describe, expect, it } from 'vitest';

const DOCS = [
  'README.md',
  ...readdirSync('docs')
    .filter((f) => f.endsWith('.md'))
    .map((f) => join('docs', f)),
];

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces as dashes. */
function slug(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

function anchors(file: string): Set<string> {
  const text = readFileSync(file, 'utf8').replace(/```[\s\S]*?```/g, '');
  return new Set([...text.matchAll(/^#{1,6} (.+)$/gm)].map((m) => slug(m[1])));
}

function links(file: string): string[] {
  const text = readFileSync(file, 'utf8')
    .replace(/```[\s\S]*?```/g, '')
    .replace(/`[^`\n]*`/g, '');
  return [...text.matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1]).filter((target) => !/^[a-z]+:/i.test(target));
}

/** The relative links in `file` that name no existing file, or no heading of the Markdown file they point into. */
function brokenLinks(file: string): string[] {
  return links(file).filter((target) => {
    const [path, fragment] = target.split('#');
    const resolved = path === '' ? file : normalize(join(dirname(file), path));
    if (!existsSync(resolved)) return true;
    return fragment !== undefined && resolved.endsWith('.md') && !anchors(resolved).has(fragment);
  });
}

describe('links in the README and docs/', () => {
  it('finds the documents to check', () => {
    expect(DOCS).toEqual(expect.arrayContaining(['README.md', join('docs', 'configuration.md'), join('docs', 'operations.md')]));
  });

  for (const file of DOCS) {
    it(`${file}: every relative link resolves`, () => {
      expect(brokenLinks(file)).toEqual([]);
    });
  }

  it('reports a link to a missing file or a missing heading, and nothing else', () => {
    const dir = mkdtempSync(join(tmpdir(), 'faultline-links-'));
    writeFileSync(join(dir, 'other.md'), '# Other\n\n## Durable export\n');
    writeFileSync(
      join(dir, 'index.md'),
      [
        '# Index',
        '[fine](other.md#durable-export) [also fine](#index) [web](https://example.com/x.md) `[code](gone.md)`',
        '[gone](gone.md) [no heading](other.md#no-such-heading)',
        '```',
        '[in a code block](gone-too.md)',
        '```',
      ].join('\n'),
    );
    expect(brokenLinks(join(dir, 'index.md'))).toEqual(['gone.md', 'other.md#no-such-heading']);
  });
});
