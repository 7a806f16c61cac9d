import { z } from 'zod';
import { byteCount, count } from '../../config/units.ts';

export const FileConfig = z.strictObject({
  path: z
    .string()
    .min(1)
    .default('./data/recorded.otlp.jsonl')
    .describe('File the raw telemetry is appended to, one OTLP/JSON export request per line.'),
  lanes: z
    .array(z.enum(['spans', 'logs']))
    .min(1)
    .default(['spans', 'logs'])
    .describe('Raw lanes to record: spans (ExportTraceServiceRequest lines), logs (ExportLogsServiceRequest lines).'),
  max_file_bytes: byteCount()
    .default(104_857_600)
    .describe('When the file would grow past this size it is rotated to <path>.1 (older ones shift to .2, .3…).'),
  max_files: count('rotated files').default(5).describe('Rotated files kept besides the current one; the oldest is deleted.'),
});
export type FileConfig = z.infer<typeof FileConfig>;
