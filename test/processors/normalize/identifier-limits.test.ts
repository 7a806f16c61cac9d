// Identifiers key detector windows, incidents and metric labels and fill indexed columns, so a
// sender's megabyte "model" or "team" is cut at the boundary; error messages are bounded too.
import { describe, expect, it } from 'vitest';
import { MAX_IDENTIFIER_CHARS, MAX_LIST_ITEMS, MAX_MESSAGE_CHARS } from '../../../processors/normalize/attribute-readers.ts';
import { e2RateLimited } from '../../fixtures/spans/litellm-v1.ts';
import { normalizeLlm, normalizeOne } from './run-normalize.ts';

const HUGE = 'x'.repeat(1024 * 1024);
const ASTRAL = '😀'.repeat(200);

describe('identifier and message limits', () => {
  it('cuts models, provider, team, route, user, key alias and resource names to the identifier limit', async () => {
    const call = await normalizeLlm({
      ...e2RateLimited.input,
      attributes: {
        ...e2RateLimited.input.attributes,
        'gen_ai.request.model': HUGE,
        'gen_ai.response.model': HUGE,
        'gen_ai.system': HUGE,
        'litellm.model_group': HUGE,
        'metadata.user_api_key_team_id': HUGE,
        'metadata.user_api_key_team_alias': HUGE,
        'metadata.user_api_key_user_id': HUGE,
        'metadata.user_api_key_alias': HUGE,
        'http.route': HUGE,
        'error.type': HUGE,
        'error.message': HUGE,
        'tag.tags': Array.from({ length: 1000 }, () => HUGE),
      },
      resource: { 'service.name': HUGE, 'k8s.pod.name': HUGE },
    });
    const identifiers = [
      call.requestModel,
      call.responseModel,
      call.providerRaw,
      call.provider,
      call.modelGroup,
      call.identity.team,
      call.identity.teamAlias,
      call.identity.user,
      call.identity.keyAlias,
      call.identity.route,
      call.error?.type,
      call.resource.serviceName,
      call.resource.k8sPod,
    ];
    for (const id of identifiers) expect(id?.length).toBe(MAX_IDENTIFIER_CHARS);
    expect(call.error?.message?.length).toBe(MAX_MESSAGE_CHARS);
    expect(call.identity.tags).toHaveLength(MAX_LIST_ITEMS);
    expect(call.identity.tags.every((t) => t.length === MAX_IDENTIFIER_CHARS)).toBe(true);
  });

  it('cuts between surrogate pairs, never through one', async () => {
    const call = await normalizeLlm({
      ...e2RateLimited.input,
      attributes: { ...e2RateLimited.input.attributes, 'gen_ai.request.model': `a${ASTRAL}` },
    });
    expect(call.requestModel?.isWellFormed()).toBe(true);
    expect(call.requestModel?.length).toBe(MAX_IDENTIFIER_CHARS);
  });

  it('leaves identifiers of ordinary length as sent', async () => {
    const item = await normalizeOne(e2RateLimited.input);
    expect(item.kind === 'llm' && item.requestModel).toBe('gpt-4o');
  });
});
