// The configuration reference, generated from each component's zod schema: the `.describe()`
// texts are the documentation, so the reference cannot drift from the code.
import { z } from 'zod';
import type { ComponentFactory } from './core/component.ts';

interface JsonSchema {
  type?: string | string[];
  description?: string;
  default?: unknown;
  enum?: unknown[];
  properties?: Record<string, JsonSchema>;
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
}

export interface ConfigField {
  path: string;
  type: string;
  default: string;
  description: string;
}

export function configFields(schema: z.ZodType): ConfigField[] {
  const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
  const out: ConfigField[] = [];
  walk(json, '', out);
  return out;
}

function walk(node: JsonSchema, prefix: string, out: ConfigField[]): void {
  for (const [key, child] of Object.entries(node.properties ?? {})) {
    const path = prefix ? `${prefix}.${key}` : key;
    const nested = child.properties ? child : (child.anyOf ?? child.oneOf)?.find((c) => c.properties);
    out.push({
      path,
      type: typeName(child),
      default: child.default === undefined ? '' : JSON.stringify(child.default),
      description: child.description ?? nested?.description ?? '',
    });
    if (nested) walk(nested, path, out);
  }
}

function typeName(node: JsonSchema): string {
  if (node.enum) return node.enum.map((v) => JSON.stringify(v)).join(' | ');
  if (node.type === 'array') return `list of ${node.items ? typeName(node.items) : 'values'}`;
  if (node.properties) return 'mapping';
  const alternatives = node.anyOf ?? node.oneOf;
  if (alternatives) return alternatives.map(typeName).join(' | ');
  return Array.isArray(node.type) ? node.type.join(' | ') : (node.type ?? 'any');
}

export function renderReference(factories: readonly ComponentFactory[]): string {
  const sections: string[] = [];
  for (const kind of ['receiver', 'processor', 'exporter'] as const) {
    for (const f of factories.filter((x) => x.kind === kind)) {
      const rows = configFields(f.configSchema).map(
        (r) => `| \`${r.path}\` | ${r.type.replace(/\|/g, '\\|')} | ${r.default ? `\`${r.default}\`` : ''} | ${r.description} |`,
      );
      sections.push(
        `### ${kind}s.${f.type}\n\n${f.description}\n\n| key | type | default | description |\n|---|---|---|---|\n${rows.join('\n')}\n`,
      );
    }
  }
  return sections.join('\n');
}
