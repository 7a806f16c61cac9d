import { parseArgs } from 'node:util';
import { failureEventJsonSchema } from '../core/model/failure-event.ts';
import { EXIT, type Command } from './command.ts';

export const schemaCommand: Command = {
  name: 'schema',
  summary: 'Print the JSON Schema of FailureEvent, for consumers of the events.',
  help: `Usage: faultline schema

Prints the JSON Schema (draft 2020-12) of the FailureEvent union — one branch per category
(provider, quality, cost, security, data) — generated from the same zod schema the agent uses to
validate every event it emits. Consumers of events.ndjson, the database or webhooks can validate
against it.

Options:
  -h, --help   show this help`,
  async run(args, io) {
    parseArgs({ args, options: {} });
    io.stdout.write(`${JSON.stringify(failureEventJsonSchema(), null, 2)}\n`);
    return EXIT.ok;
  },
};
