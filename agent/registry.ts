// The one explicit list of components this build knows: no folder scanning, no import side effects,
// so what the binary contains is read here. To add a component,
// create its folder and add its factory here; a duplicate type fails at boot.
import type { ComponentFactory } from './core/component.ts';
import otlpReceiver from './receivers/otlp/index.ts';
import probes from './receivers/probes/index.ts';
import normalize from '../processors/normalize/index.ts';
import traceAssembler from '../processors/trace-assembler/index.ts';
import detectors from '../processors/detectors/index.ts';
import classifier from '../processors/classifier/index.ts';
import baseline from '../processors/baseline/index.ts';
import correlator from '../processors/correlator/index.ts';
import incidents from '../processors/incidents/index.ts';
import slo from '../processors/slo/index.ts';
import impact from '../processors/impact/index.ts';
import predictor from '../processors/predictor/index.ts';
import actions from '../exporters/actions/index.ts';
import ndjson from '../exporters/ndjson/index.ts';
import file from '../exporters/file/index.ts';
import postgres from '../exporters/postgres/index.ts';
import prometheus from '../exporters/prometheus/index.ts';
import alertmanager from '../exporters/alertmanager/index.ts';
import webhook from '../exporters/webhook/index.ts';
import pagerduty from '../exporters/pagerduty/index.ts';
import slack from '../exporters/slack/index.ts';

export const registry: readonly ComponentFactory[] = checkUnique([
  otlpReceiver,
  probes,
  normalize,
  traceAssembler,
  detectors,
  classifier,
  baseline,
  correlator,
  slo,
  incidents,
  impact,
  predictor,
  ndjson,
  file,
  postgres,
  prometheus,
  alertmanager,
  webhook,
  pagerduty,
  slack,
  actions,
]);

function checkUnique(factories: ComponentFactory[]): readonly ComponentFactory[] {
  const seen = new Set<string>();
  for (const f of factories) {
    const key = `${f.kind}:${f.type}`;
    if (seen.has(key)) throw new Error(`Two ${f.kind} factories share the type "${f.type}"; component types must be unique.`);
    seen.add(key);
  }
  return Object.freeze(factories);
}
