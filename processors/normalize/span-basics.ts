// The fields every normalized item shares: where it came from, the resource it ran on, its
// times, and who made the request (LiteLLM metadata.*, v2 baggage `litellm.*`, OpenInference,
// OTel). LiteLLM writes Python None as "", so empty strings read as null throughout.
import type { Identity, ResourceInfo, SourceRef, Timing } from '../../agent/core/model/llm-call.ts';
import type { Attributes, OtlpResource, OtlpSpan } from '../../agent/core/model/otlp.ts';
import { firstIdentifier, readIdentifierList } from './attribute-readers.ts';

export type Vocabulary = SourceRef['vocabulary'];

export function nanosToMs(ns: bigint): number {
  // Whole microseconds first keeps the fraction exact for epoch-scale timestamps.
  return Number(ns / 1000n) / 1000;
}

export function readSource(span: OtlpSpan, vocabulary: Vocabulary): SourceRef {
  return {
    traceId: span.traceId,
    spanId: span.spanId,
    parentSpanId: span.parentSpanId,
    spanName: span.name,
    spanKind: span.kind,
    scopeName: span.scope.name,
    vocabulary,
  };
}

export function readTiming(span: OtlpSpan, timeToFirstTokenMs: number | null = null): Timing {
  const startMs = nanosToMs(span.startTimeUnixNano);
  const endMs = nanosToMs(span.endTimeUnixNano);
  return { startMs, endMs, durationMs: Math.max(0, endMs - startMs), timeToFirstTokenMs };
}

// Spans of one ResourceSpans share the resource object, so it is read once per batch.
const resourceCache = new WeakMap<OtlpResource, ResourceInfo>();

export function readResource(resource: OtlpResource): ResourceInfo {
  let info = resourceCache.get(resource);
  if (info === undefined) {
    const attrs = resource.attributes;
    info = {
      serviceName: firstIdentifier(attrs, ['service.name']),
      environment: firstIdentifier(attrs, ['deployment.environment.name', 'deployment.environment']),
      k8sNamespace: firstIdentifier(attrs, ['k8s.namespace.name']),
      k8sPod: firstIdentifier(attrs, ['k8s.pod.name']),
      k8sNode: firstIdentifier(attrs, ['k8s.node.name']),
    };
    resourceCache.set(resource, info);
  }
  // A copy per item: items must not share mutable objects.
  return { ...info };
}

// Key lists as constants: an array literal in the call would be allocated on every span.
const USER_KEYS = ['metadata.user_api_key_user_id', 'user.id', 'gen_ai.user.id'] as const;
const END_USER_KEYS = ['litellm.end_user.id', 'metadata.user_api_key_end_user_id', 'llm.user', 'enduser.id'] as const;
const TEAM_KEYS = ['metadata.user_api_key_team_id', 'litellm.team.id', 'metadata.team_id'] as const;
const TEAM_ALIAS_KEYS = ['metadata.user_api_key_team_alias', 'litellm.team.alias', 'metadata.team_alias'] as const;
const ORG_KEYS = ['metadata.user_api_key_org_id', 'litellm.org.id'] as const;
const KEY_ALIAS_KEYS = ['metadata.user_api_key_alias', 'litellm.api_key.alias'] as const;
const KEY_HASH_KEYS = ['metadata.user_api_key_hash', 'litellm.api_key.hash'] as const;
const ROUTE_KEYS = ['http.route', 'metadata.user_api_key_request_route', 'litellm.request.route', 'url.path'] as const;
const SESSION_KEYS = ['gen_ai.conversation.id', 'session.id', 'traceloop.association.properties.session_id'] as const;

export function readIdentity(attrs: Attributes): Identity {
  return {
    user: firstIdentifier(attrs, USER_KEYS),
    endUser: firstIdentifier(attrs, END_USER_KEYS),
    team: firstIdentifier(attrs, TEAM_KEYS),
    teamAlias: firstIdentifier(attrs, TEAM_ALIAS_KEYS),
    org: firstIdentifier(attrs, ORG_KEYS),
    keyAlias: firstIdentifier(attrs, KEY_ALIAS_KEYS),
    keyHash: firstIdentifier(attrs, KEY_HASH_KEYS),
    route: firstIdentifier(attrs, ROUTE_KEYS),
    sessionId: firstIdentifier(attrs, SESSION_KEYS),
    tags: readIdentifierList(attrs['tag.tags']) ?? readIdentifierList(attrs['metadata.tags']) ?? [],
  };
}
