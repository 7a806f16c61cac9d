// Text PostgreSQL cannot store (NUL, lone surrogates) is replaced where text enters the model. New
// text enters only where bytes or escapes become strings: a decoder, JSON.parse, a code point. This
// lists every such place in the agent's source with the reason it is safe, so a new one (a second
// JSON reader in normalize, say) fails here until it makes its text storable or says why it need not.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOTS = ['agent', 'processors', 'exporters', 'config'];
const TEXT_SOURCES =
  /JSON\.parse\(|new TextDecoder|\.toString\('(?:utf-?8|latin1|ucs2|utf16le)'|String\.fromCharCode|String\.fromCodePoint/g;

/** file → how many text sources it holds, and why each is safe. */
const AUDITED: Readonly<Record<string, { count: number; why: string }>> = {
  'agent/core/model/storable-text.ts': {
    count: 2,
    why: 'the code point was checked first; detachedPrefix copies UTF-16 units of a string already storable (cut before half a pair)',
  },
  'agent/receivers/otlp-wire/protobuf-reader.ts': { count: 1, why: 'decodeUtf8 replaces NUL (UTF-8 cannot hold lone surrogates)' },
  'agent/receivers/otlp-wire/decode-json.ts': {
    count: 2,
    why: 'every string of the parsed body is read through readJsonString, which makes it storable',
  },
  'agent/receivers/otlp-wire/json-syntax-error.ts': { count: 1, why: 'only finds where a syntax error is, for the 400 message' },
  'agent/receivers/otlp-wire/encode-response.ts': { count: 1, why: 'text of an answer to the sender, never stored' },
  'agent/cli/read-telemetry-file.ts': { count: 3, why: 'parsed only to find requests; their text goes through the OTLP/JSON decoder' },
  'agent/api/cursor.ts': { count: 2, why: 'the id is made storable; a cursor is only ever a query parameter' },
  'agent/delivery/notify/delivery.ts': { count: 1, why: 'an outbox record the agent wrote from storable text' },
  'exporters/postgres/export-item.ts': { count: 1, why: 'a spill record the agent wrote from storable text' },
  'agent/delivery/spill/salvage-count.ts': { count: 1, why: "compares a damaged spill file's header magic; only a count leaves" },
  'agent/core/console-log.ts': { count: 1, why: "re-reads the logger's own JSON line to print it for a terminal, never stored" },
  'agent/api/baselines/key-cursor.ts': { count: 2, why: 'the decoded key is made storable; a cursor is only ever a query parameter' },
  'agent/receivers/probe-client/probe-request.ts': {
    count: 1,
    why: "only identifier-shaped tokens and counts of a provider's answer are kept",
  },
  'processors/baseline/seasonal-profile.ts': {
    count: 2,
    why: 'a stored profile the agent wrote itself, whose error types came from storable text',
  },
  'exporters/actions/litellm-admin.ts': {
    count: 2,
    why: "the admin API's answers and error text are made storable before they are logged or stored",
  },
  'agent/version.ts': { count: 1, why: "the agent's own package.json" },
  'agent/store/embedded-postgres.ts': { count: 2, why: "PostgreSQL's own output, for the startup error message" },
  'agent/store/postgres-binaries.ts': { count: 1, why: "the binaries package's own package.json, for its name and version" },
  'processors/normalize/attribute-readers.ts': { count: 1, why: 'readStructured makes escapes storable (storableJsonValue)' },
  'processors/detectors/quality/json-format.ts': { count: 1, why: 'the parsed answer is made storable before its paths reach evidence' },
  'processors/detectors/security/normalize-text.ts': {
    count: 1,
    why: 'folded text for pattern matching; only offsets and rule names leave',
  },
  'processors/detectors/security/prompt-injection.ts': {
    count: 1,
    why: 'decoded base64/hex for matching; only rule names and offsets leave',
  },
};

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(path);
    return e.name.endsWith('.ts') ? [path] : [];
  });
}

describe('where text enters the model', () => {
  it('is only at audited places, each making its text storable or never reaching a row', () => {
    const found: Record<string, number> = {};
    for (const root of ROOTS) {
      for (const file of sourceFiles(root)) {
        const code = readFileSync(file, 'utf8')
          .split('\n')
          .filter((line) => !line.trimStart().startsWith('//') && !line.trimStart().startsWith('*'))
          .join('\n');
        const n = code.match(TEXT_SOURCES)?.length ?? 0;
        if (n > 0) found[relative('.', file)] = n;
      }
    }
    const audited = Object.fromEntries(Object.entries(AUDITED).map(([f, a]) => [f, a.count]));
    // A difference names the file: make its new text storable (agent/core/model/storable-text.ts), then
    // list it above with the reason.
    expect(found).toEqual(audited);
  });
});
