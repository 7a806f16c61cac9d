// The classes of provider failure the shared rules must read from what the provider said, not
// from LiteLLM's status: embeddings, providers beyond the big three, balances and caps, connection
// drops and unparseable answers reported as server errors, temporary demand spikes, a gateway 401
// already explained by the attempt, LiteLLM's budget messages. The messages are written for these
// tests in the providers' styles; the real strings are in test/fixtures/real-errors.
import { describe, expect, it } from 'vitest';
import { litellmFailure, proxyFailure } from '../../fixtures/spans/litellm-failures.ts';
import { llmSpans } from '../../fixtures/labelled/call-spans.ts';
import { detectItems, kinds, signalsOf } from './run-detectors.ts';

const embedding = (provider: string, status: number, type: string, message: string) =>
  litellmFailure({
    provider,
    model: 'embed-multilingual-v3',
    status,
    type,
    message,
    attributes: { 'llm.request.type': 'aembedding' },
  });

const subtypeOf = async (input: Parameters<typeof signalsOf>[0]) => (await signalsOf(input)).map((s) => `${s.category}/${s.subtype}`);

describe('failed embeddings calls', () => {
  it('are judged like chat calls: throttled, out of quota, or over the model’s input limit', async () => {
    expect(
      await subtypeOf(
        embedding('mistral', 429, 'RateLimitError', 'litellm.RateLimitError: MistralException - Requests rate limit exceeded'),
      ),
    ).toEqual(['provider/rate_limited']);
    expect(
      await subtypeOf(
        embedding('cohere', 402, 'APIError', 'litellm.APIError: CohereException - Payment Required: please add a card to continue'),
      ),
    ).toEqual(['provider/quota_exhausted']);
    expect(
      await subtypeOf(
        embedding(
          'voyage',
          400,
          'BadRequestError',
          'litellm.BadRequestError: VoyageException - input of 40210 tokens exceeds the maximum number of tokens for this model',
        ),
      ),
    ).toEqual(['provider/context_overflow']);
  });

  it('leave a successful embeddings call alone', async () => {
    const ok = {
      ...embedding('openai', 200, 'x', 'x'),
      status: { code: 1 },
      events: [],
      attributes: { 'llm.request.type': 'aembedding', 'gen_ai.system': 'openai' },
    };
    expect(await subtypeOf(ok)).toEqual([]);
  });
});

describe('providers beyond the big three', () => {
  // LiteLLM's APIError for providers it has no mapping for may carry no status attribute at all:
  // the server error is only in the text.
  it('read a 5xx named only in the message as outage, never unknown_error', async () => {
    for (const message of [
      'litellm.APIError: APIError: SambanovaException - upstream answered 500 Internal Server Error',
      'litellm.APIError: APIError: CerebrasException - 502 Bad Gateway',
      'litellm.APIError: APIError: Nvidia_nimException - Service Unavailable',
    ]) {
      const input = litellmFailure({ provider: 'sambanova', type: 'APIError', message, code: 'None' });
      expect(await subtypeOf(input), message).toEqual(['provider/outage']);
    }
  });

  it('read a status LiteLLM passes through unmapped (402, 418) by its class of status', async () => {
    expect(
      await subtypeOf(
        litellmFailure({ provider: 'novita', status: 402, type: 'APIError', message: 'litellm.APIError: NovitaException - ' }),
      ),
    ).toEqual(['provider/quota_exhausted']);
    expect(
      await subtypeOf(
        litellmFailure({ provider: 'novita', status: 418, type: 'APIError', message: 'litellm.APIError: NovitaException - ' }),
      ),
    ).toEqual(['provider/bad_request']);
  });
});

describe('balances, monthly caps and daily quotas', () => {
  it('read an empty balance as quota_exhausted whatever class LiteLLM gave it', async () => {
    const cases = [
      [
        'together_ai',
        400,
        'BadRequestError',
        'litellm.BadRequestError: Together_aiException - Your account balance is insufficient to run this request',
      ],
      [
        'moonshot',
        500,
        'APIConnectionError',
        'litellm.APIConnectionError: MoonshotException - credits have been exhausted for this organization',
      ],
      ['fireworks_ai', 412, 'APIError', 'litellm.APIError: Fireworks_aiException - You have reached your monthly spend cap'],
      ['cohere', 429, 'RateLimitError', 'litellm.RateLimitError: CohereException - trial key is limited to 1000 API calls / month'],
    ] as const;
    for (const [provider, status, type, message] of cases)
      expect(await subtypeOf(litellmFailure({ provider, status, type, message })), message).toEqual(['provider/quota_exhausted']);
  });

  it('read a per-day Vertex quota as quota_exhausted and a per-minute one as rate_limited', async () => {
    const vertex = (metric: string) =>
      litellmFailure({
        provider: 'vertex_ai',
        status: 429,
        type: 'RateLimitError',
        message: `litellm.RateLimitError: Vertex_aiException - {"error": {"code": 429, "message": "Quota exceeded for aiplatform.googleapis.com/${metric} with base model: gemini-2.0-flash.", "status": "RESOURCE_EXHAUSTED"}}`,
      });
    expect(await subtypeOf(vertex('generate_content_requests_per_day_per_project_per_base_model'))).toEqual(['provider/quota_exhausted']);
    expect(await subtypeOf(vertex('generate_content_requests_per_minute_per_project_per_base_model'))).toEqual(['provider/rate_limited']);
  });

  it('reads a wait of an hour or more as an exhausted quota, a wait of seconds as throttling', async () => {
    const azure = (seconds: number) =>
      litellmFailure({
        provider: 'azure',
        status: 429,
        type: 'RateLimitError',
        message: `litellm.RateLimitError: AzureException - Requests to the Embeddings_Create Operation have exceeded call rate limit. Please retry after ${seconds} seconds.`,
      });
    expect(await subtypeOf(azure(43_200))).toEqual(['provider/quota_exhausted']);
    expect(await subtypeOf(azure(12))).toEqual(['provider/rate_limited']);
  });
});

describe('LiteLLM statuses that are not the provider’s', () => {
  it('reads a connection dropped or never made as connection_error although LiteLLM says 500 or 503', async () => {
    const cases = [
      [503, 'ServiceUnavailableError', 'litellm.ServiceUnavailableError: GroqException - [Errno 104] Connection reset by peer'],
      [500, 'InternalServerError', 'litellm.InternalServerError: DeepseekException - Server disconnected without sending a response.'],
      [500, 'APIError', 'litellm.APIError: APIError: OpenrouterException - [Errno 101] Network is unreachable'],
    ] as const;
    for (const [status, type, message] of cases)
      expect(await subtypeOf(litellmFailure({ provider: 'groq', status, type, message })), message).toEqual(['provider/connection_error']);
  });

  it('reads an answer the client could not parse as malformed_response, not outage', async () => {
    const cases = [
      'litellm.APIError: APIError: CerebrasException - Unable to parse response body: <html><body>upstream error</body></html>',
      'litellm.InternalServerError: MistralException - Failed to parse the model response: JSONDecodeError: Expecting value: line 3 column 1 (char 2)',
      "litellm.ServiceUnavailableError: BedrockException - 'content'",
    ];
    for (const message of cases)
      expect(await subtypeOf(litellmFailure({ provider: 'bedrock', status: 500, type: 'InternalServerError', message })), message).toEqual([
        'provider/malformed_response',
      ]);
  });

  it('reads a temporary demand spike as overloaded, not outage', async () => {
    const cases = [
      'litellm.ServiceUnavailableError: Vertex_aiException - The service is experiencing unusually high demand right now. Try again shortly.',
      'litellm.InternalServerError: DeepseekException - The server is busy. Please try again later.',
      'litellm.ServiceUnavailableError: HuggingfaceException - Model BAAI/bge-m3 is currently loading',
    ];
    for (const message of cases)
      expect(
        await subtypeOf(litellmFailure({ provider: 'vertex_ai', status: 503, type: 'ServiceUnavailableError', message })),
        message,
      ).toEqual(['provider/overloaded']);
  });

  it('keeps an explicit rate-limit message a rate limit when it arrives on a dropped stream', async () => {
    const message =
      'litellm.APIConnectionError: stream disconnected before completion: Rate limit reached for o4-mini on requests per min (RPM)';
    expect(await subtypeOf(litellmFailure({ provider: 'openai', status: 500, type: 'APIConnectionError', message }))).toEqual([
      'provider/rate_limited',
    ]);
  });
});

describe('a gateway 401 already explained by the provider', () => {
  const trace = (vocabulary: 'litellm_v1' | 'litellm_v2') =>
    llmSpans(
      {
        vocabulary,
        provider: 'mistral',
        user: 'Summarise the incident.',
        error: { status: 401, litellmType: 'AuthenticationError', sdkType: 'AuthenticationError', body: '{"detail":"Unauthorized"}' },
      },
      { traceId: 'a1'.repeat(16), spanIds: ['b100000000000001', 'b100000000000002'], startMs: Date.UTC(2026, 3, 1) },
    );

  it.each(['litellm_v1', 'litellm_v2'] as const)('leaves the proxy span of a %s trace without a security signal', async (vocabulary) => {
    const items = await detectItems(trace(vocabulary));
    const gateway = items.find((i) => i.kind === 'gateway_request')!;
    const attempt = items.find((i) => i.kind === 'llm')!;
    expect(kinds(attempt.signals)).toEqual(['provider/auth_error/status_code']);
    expect(gateway.signals).toEqual([]);
  });

  it('still reports the proxy’s own refusal, with no attempt in the trace, as unauthorized_model_access', async () => {
    const refused = proxyFailure({
      status: 401,
      type: 'ProxyException',
      message: 'Authentication Error, Invalid proxy server token passed.',
    });
    expect((await signalsOf(refused)).map((s) => `${s.category}/${s.subtype}`)).toEqual(['security/unauthorized_model_access']);
  });
});

describe('LiteLLM budget messages', () => {
  it('reads a per-model user or key budget breach as cost/budget_exceeded', async () => {
    const cases = [
      'LiteLLM User: reporting-svc, exceeded budget for model=claude-3-5-haiku',
      'Key budget for model=gpt-4.1-mini exceeded. Spend=5.21, Budget=5.0',
    ];
    for (const message of cases) {
      const [s] = await signalsOf(proxyFailure({ status: 429, type: 'ProxyException', code: '429', message }));
      expect(`${s.category}/${s.subtype}`, message).toBe('cost/budget_exceeded');
    }
  });
});
