// The key a call is profiled under: provider and requested model, split further by route and team
// when the configuration asks for it.
import type { LlmCall } from '../../agent/core/model/llm-call.ts';
import type { KeyField } from './config.ts';

export interface ProfileKey {
  provider: string;
  model: string;
  route: string;
  team: string;
  /** The four joined, for maps. */
  id: string;
}

export function keyOf(call: LlmCall, split: readonly KeyField[]): ProfileKey {
  const provider = call.provider || 'unknown';
  const model = call.requestModel ?? call.responseModel ?? '';
  const route = split.includes('route') ? (call.identity.route ?? '') : '';
  const team = split.includes('team') ? (call.identity.team ?? call.identity.teamAlias ?? '') : '';
  return { provider, model, route, team, id: `${provider}\u0000${model}\u0000${route}\u0000${team}` };
}

/** The scope a deviation's window-level failure id is built from: stable for a key and metric. */
export function deviationScope(key: ProfileKey, metric: string): string {
  const parts = ['baseline', metric, key.provider, key.model];
  if (key.route !== '' || key.team !== '') parts.push(key.route, key.team);
  return parts.join('/');
}

/**
 * keyOf with the keys remembered, so the common case (the same few providers and models) finds
 * its key without building a string per call.
 */
export function createKeyLookup(split: readonly KeyField[]): (call: LlmCall) => ProfileKey {
  const byProvider = new Map<string, Map<string, ProfileKey>>();
  return (call) => {
    if (split.length > 0) return keyOf(call, split);
    const provider = call.provider || 'unknown';
    const model = call.requestModel ?? call.responseModel ?? '';
    let models = byProvider.get(provider);
    if (!models) byProvider.set(provider, (models = new Map()));
    let key = models.get(model);
    if (!key) {
      key = keyOf(call, split);
      // Bounded like the keys themselves: a flood of model names must not grow this forever.
      if (models.size < 10_000) models.set(model, key);
    }
    return key;
  };
}
