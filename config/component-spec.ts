// What configuration needs to know of a component factory: its kind, its type and its settings'
// schema. The agent's factories (agent/core/component.ts) satisfy it; config/ never imports agent/.
import type { z } from 'zod';

export type ComponentKind = 'receiver' | 'processor' | 'exporter';

export interface ComponentSpec {
  readonly kind: ComponentKind;
  /** The key used in agent.yaml, lower_snake_case. */
  readonly type: string;
  readonly configSchema: z.ZodType<unknown>;
  /** Settings another part of the configuration must provide (checked by `validate`). */
  readonly requires?: readonly 'database'[];
}
