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
});
export type NormalizeConfig = z.infer<typeof NormalizeConfig>;

/** The config as the readers use it: resolved once at create(). */
export interface NormalizeSettings {
  readonly captureContent: boolean;
  readonly maxChars: number;
  readonly aliases: ProviderAliases;
}

export function toSettings(config: NormalizeConfig): NormalizeSettings {
  return { captureContent: config.capture_content, maxChars: config.max_content_chars, aliases: buildAliases(config.provider_aliases) };
}
