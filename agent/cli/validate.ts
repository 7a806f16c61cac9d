import { parseArgs } from 'node:util';
import { ConfigError } from '../../config/errors.ts';
import { loadConfigFile } from '../../config/load.ts';
import { registry } from '../registry.ts';
import { EXIT, type Command } from './command.ts';

export const validateCommand: Command = {
  name: 'validate',
  summary: 'Check a configuration file and print every problem in it.',
  help: `Usage: faultline validate [--config FILE]

Checks agent.yaml (or FILE) without starting anything: YAML syntax, environment references,
every component's settings, and the pipelines' references. Prints every problem, one per line,
with its path, and exits 1 if there is any.

Options:
  -c, --config FILE   configuration file (default: agent.yaml)
  -h, --help          show this help`,
  async run(args, io) {
    const { values } = parseArgs({ args, options: { config: { type: 'string', short: 'c', default: 'agent.yaml' } } });
    try {
      const resolved = loadConfigFile(values.config!, registry, { env: io.env });
      for (const w of resolved.warnings) io.stderr.write(`warning: ${w}\n`);
      const pipelines = Object.keys(resolved.pipelines).length;
      io.stdout.write(
        `${values.config}: valid (${pipelines} pipeline${pipelines === 1 ? '' : 's'}, ${resolved.components.size} components)\n`,
      );
      return EXIT.ok;
    } catch (err) {
      if (err instanceof ConfigError) {
        io.stderr.write(`${err.message}\n`);
        return EXIT.invalid;
      }
      throw err;
    }
  },
};
