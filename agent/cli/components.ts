import { parseArgs } from 'node:util';
import { renderReference } from '../config-reference.ts';
import { registry } from '../registry.ts';
import { EXIT, type Command } from './command.ts';

export const componentsCommand: Command = {
  name: 'components',
  summary: 'List the components this build knows, with every setting (the config reference).',
  help: `Usage: faultline components [--markdown]

Prints each receiver, processor and exporter type with its settings, types, defaults and
descriptions, generated from the components' own schemas.

Options:
  --markdown   print Markdown tables (as in docs/configuration.md) instead of plain text
  -h, --help   show this help`,
  async run(args, io) {
    const { values } = parseArgs({ args, options: { markdown: { type: 'boolean', default: false } } });
    const md = renderReference(registry);
    io.stdout.write(values.markdown ? md : toPlainText(md));
    return EXIT.ok;
  },
};

function toPlainText(markdown: string): string {
  return markdown
    .split('\n')
    .filter((l) => !/^\|---/.test(l) && l !== '| key | type | default | description |')
    .map((l) =>
      l.startsWith('|')
        ? `  ${l
            .slice(2, -2)
            .split(' | ')
            .map((c) => c.replace(/`/g, ''))
            .join('  ·  ')}`
        : l.replace(/^### /, ''),
    )
    .join('\n');
}
