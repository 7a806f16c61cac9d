// What a cost window is keyed by, read off a call, and how the key appears in evidence: team, key
// alias, route and model as sent; a user id only as a short sha256 (never raw), the same
// shortening the classifier uses for its user counts.
import { createHash } from 'node:crypto';
import type { LlmCall } from '../../../agent/core/model/llm-call.ts';
import type { BudgetScope } from './config.ts';

/** The call's value for a scope, as compared with a budget's `match`; null when it has none. */
export function scopeValue(call: LlmCall, scope: BudgetScope): string[] {
  const id = call.identity;
  const values = (() => {
    switch (scope) {
      case 'key':
        return [id.keyAlias, id.keyHash];
      case 'team':
        return [id.team, id.teamAlias];
      case 'user':
        return [id.user ?? id.endUser];
      case 'route':
        return [id.route];
      case 'model':
        return [call.requestModel ?? call.modelGroup ?? call.responseModel];
    }
  })();
  return values.filter((v): v is string => v !== null && v !== '');
}

/** The key as evidence may carry it. */
export function evidenceKey(scope: BudgetScope, value: string): string {
  return scope === 'user' ? hashId(value) : value;
}

export function hashId(id: string): string {
  return createHash('sha256').update(id).digest('hex').slice(0, 16);
}

/** Route and model of a call, the key of the per-request rolling levels. */
export function routeModelKey(call: LlmCall): { key: string; route: string | null; model: string } {
  const model = call.requestModel ?? call.modelGroup ?? call.responseModel ?? 'unknown';
  const route = call.identity.route;
  return { key: `${route ?? ''}\u0000${call.provider}\u0000${model}`, route, model };
}
