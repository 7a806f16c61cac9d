import { z } from 'zod';
import { count } from '../../config/units.ts';
import { buildAliases, type ProviderAliases } from './provider.ts';

export const NormalizeConfig = z.strictObject({
  capture_content: z
    .boolean()
    .default(true)
    .describe('Keep prompts, completions and retrieved document text that spans and log records carry; false makes content always null.'),
  max_content_chars: count('characters')
    .default(32_768)
    .describe('Longest text kept per content field (message part, system prompt, output text, document); longer text is truncated.'),
  provider_aliases: z
    .record(z.string(), z.string())
    .default({})
    .describe('Extra provider names to map (case-insensitive raw name → normalized name), on top of the built-in aliases.'),
  ingestion_span_names: z
    .array(z.string().min(1))
    .default([])
    .describe(
      'Span names read as ingestion runs besides the built-in convention (gen_ai.operation.name "ingest", faultline.ingestion.* attributes); a trailing "*" matches a prefix.',
    ),
});
export type NormalizeConfig = z.infer<typeof NormalizeConfig>;

/** The config as the readers use it: resolved once at create(). */
export interface NormalizeSettings {
  readonly captureContent: boolean;
  readonly maxChars: number;
  readonly aliases: ProviderAliases;
  /** Whether a span name marks an ingestion run (ingestion_span_names). */
  readonly isIngestionSpanName: (name: string) => boolean;
}

export function toSettings(config: NormalizeConfig): NormalizeSettings {
  return {
    captureContent: config.capture_content,
    maxChars: config.max_content_chars,
    aliases: buildAliases(config.provider_aliases),
    isIngestionSpanName: nameMatcher(config.ingestion_span_names),
  };
}

function nameMatcher(patterns: readonly string[]): (name: string) => boolean {
  const exact = new Set(patterns.filter((p) => !p.endsWith('*')));
  const prefixes = patterns.filter((p) => p.endsWith('*')).map((p) => p.slice(0, -1));
  if (exact.size === 0 && prefixes.length === 0) return () => false;
  return (name) => exact.has(name) || prefixes.some((p) => name.startsWith(p));
}
