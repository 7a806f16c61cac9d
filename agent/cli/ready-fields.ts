// What `faultline run` says in its one "Agent started." line once everything listens: every
// endpoint a sender, a scraper or a client needs (as bound, so port 0 shows the real port), and
// where the data lives (the database, and the local files components declare), so an operator
// reads the whole setup off one line. Database URLs are shown without their password.
import { resolve } from 'node:path';
import type { AgentConfig, Receiver } from '../core/component.ts';
import { formatAddress, type BoundAddress } from '../core/endpoint.ts';

export interface RunningAgent {
  config: AgentConfig;
  receiver(id: string): Receiver | undefined;
  /** The API's address, or null when it does not run. */
  api: BoundAddress | null;
  /** The metrics endpoint's address, or null when metrics are off. */
  metrics: BoundAddress | null;
  /** The database as the agent opened it, or null without `storage:`. */
  storage: { bundled: boolean; redactedUrl: string } | null;
}

/** A receiver that listens reports its addresses (the otlp receiver does). */
type Listening = Receiver & { addresses(): Record<string, BoundAddress | undefined> };

export function readyFields(agent: RunningAgent): Record<string, unknown> {
  const { config } = agent;
  const inUse = (section: 'receivers' | 'processors' | 'exporters') => [
    ...new Set(Object.values(config.pipelines).flatMap((p) => p[section])),
  ];

  const receivers: Record<string, Record<string, string>> = {};
  for (const id of inUse('receivers')) {
    const receiver = agent.receiver(id);
    if (!receiver || typeof (receiver as Partial<Listening>).addresses !== 'function') continue;
    const bound = Object.entries((receiver as Listening).addresses()).filter((e): e is [string, BoundAddress] => e[1] !== undefined);
    receivers[id] = Object.fromEntries(bound.map(([protocol, address]) => [protocol, formatAddress(address)]));
  }

  const files: Record<string, Record<string, string>> = {};
  for (const component of config.components.values()) {
    if (!inUse(`${component.kind}s`).includes(component.id)) continue;
    const declared = component.factory.localFiles?.(component.config, component.id) ?? {};
    if (Object.keys(declared).length > 0)
      files[component.id] = Object.fromEntries(Object.entries(declared).map(([what, path]) => [what, resolve(path)]));
  }

  const storage = !config.storage
    ? null
    : agent.storage?.bundled
      ? { kind: 'bundled', data_dir: resolve(config.storage.embedded.data_dir) }
      : { kind: 'external', database: agent.storage?.redactedUrl ?? null };

  return {
    pipelines: Object.keys(config.pipelines),
    receivers,
    api: agent.api ? `http://${formatAddress(agent.api)}/api/v1/` : null,
    metrics: agent.metrics ? `http://${formatAddress(agent.metrics)}/metrics` : null,
    storage,
    files,
  };
}
