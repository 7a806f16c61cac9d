// The quality checks inside the detectors processor, one describe per subtype: the positive case,
// the negative case and the near misses, through normalize and the detectors' factory. The
// expensive checks run inline here (workers.threads 0), so results never depend on timing.
import { describe, expect, it } from 'vitest';
import type { Signal } from '../../../../agent/core/model/signal.ts';
import { FAILURE_CASES } from '../../../fixtures/otlp/failure-cases.ts';
import { detectItems, signalsOf } from '../run-detectors.ts';
import { ANNUAL_REPORT, INLINE, qualitySpan, retrieverSpan, type QualitySpec } from './spans.ts';

const quality = (signals: readonly Signal[]) => signals.filter((s) => s.category === 'quality');
const qualityOf = async (spec: QualitySpec, settings: Record<string, unknown> = INLINE) =>
  quality(await signalsOf(qualitySpan(spec), settings));
const subtypes = (signals: readonly Signal[]) => signals.map((s) => s.subtype);

describe('format_violation', () => {
  const schema = { type: 'object', required: ['city', 'temp_c'], properties: { city: { type: 'string' }, temp_c: { type: 'number' } } };
  const jsonSchema = { type: 'json_schema', json_schema: { name: 'weather', schema } };

  it('reports an answer that is not JSON when json_object was asked, with the format and no answer text', async () => {
    const [s] = await qualityOf({ output: 'Sure! The weather in Paris is sunny.', responseFormat: { type: 'json_object' } });
    expect(s).toMatchObject({
      subtype: 'format_violation',
      detection_method: 'json_parse',
      confidence: 1,
      evidence: { rule: 'format:invalid_json', format: 'json_object', fenced: false },
      fields: { confidence: 1 },
    });
    expect(JSON.stringify(s)).not.toContain('sunny');
  });

  it('accepts bare JSON for json_object, and says nothing when no JSON was asked', async () => {
    expect(await qualityOf({ output: '{"city":"Paris","temp_c":21}', responseFormat: { type: 'json_object' } })).toEqual([]);
    expect(await qualityOf({ output: 'It is sunny in Paris today.', responseFormat: { type: 'text' } })).toEqual([]);
  });

  it('validates against the json_schema the span carries (compiled once) and names the failing keyword and path', async () => {
    expect(await qualityOf({ output: '{"city":"Paris","temp_c":21}', responseFormat: jsonSchema })).toEqual([]);
    const [s] = await qualityOf({ output: '{"city":"Paris","temp_c":"warm"}', responseFormat: jsonSchema });
    expect(s).toMatchObject({
      subtype: 'format_violation',
      evidence: { rule: 'format:schema', format: 'json_schema', schema_errors: [{ keyword: 'type', instance_path: '/temp_c' }] },
    });
  });

  it('names a failing path whose key holds a \\u0000 or lone surrogate escape with U+FFFD, which PostgreSQL can store', async () => {
    const numbers = {
      type: 'json_schema',
      json_schema: { name: 'n', schema: { type: 'object', additionalProperties: { type: 'number' } } },
    };
    const [s] = await qualityOf({ output: '{"a\\u0000b\\ud800":"x"}', responseFormat: numbers });
    expect(s.evidence).toMatchObject({ rule: 'format:schema', schema_errors: [{ keyword: 'type', instance_path: '/a\ufffdb\ufffd' }] });
  });

  it('validates answers on a route configured with a JSON Schema, even when the request named no format', async () => {
    const settings = { quality: { workers: { threads: 0 }, route_schemas: { '/v1/extract': schema } } };
    const [s] = await qualityOf({ route: '/v1/extract', output: '{"city":"Paris"}' }, settings);
    expect(s).toMatchObject({
      subtype: 'format_violation',
      evidence: { rule: 'format:schema', format: 'route_schema', schema_errors: [{ keyword: 'required' }] },
    });
    expect(await qualityOf({ route: '/v1/other', output: 'plain prose answer' }, settings)).toEqual([]);
  });

  // Decision (docs/how-it-works.md): json_object promises bare JSON, so a fenced answer breaks a strict
  // JSON.parse in the caller: a violation, at 0.7 because the body itself is fine.
  it('reports a JSON answer in a ```json fence as format:code_fence at 0.7, unless allow_code_fence', async () => {
    const fenced = '```json\n{"city":"Paris","temp_c":21}\n```';
    const [s] = await qualityOf({ output: fenced, responseFormat: { type: 'json_object' } });
    expect(s).toMatchObject({
      subtype: 'format_violation',
      confidence: 0.7,
      evidence: { rule: 'format:code_fence', fenced: true, fenced_body: 'parses' },
    });
    expect(
      await qualityOf(
        { output: fenced, responseFormat: { type: 'json_object' } },
        { quality: { workers: { threads: 0 }, allow_code_fence: true } },
      ),
    ).toEqual([]);
  });

  it('takes the OTel GenAI gen_ai.output.type "json" as a JSON request', async () => {
    const [s] = await qualityOf({ output: 'Sure! The weather in Paris is sunny.', attributes: { 'gen_ai.output.type': 'json' } });
    expect(s).toMatchObject({ subtype: 'format_violation', evidence: { rule: 'format:invalid_json', format: 'json' } });
    expect(await qualityOf({ output: '{"city":"Paris"}', attributes: { 'gen_ai.output.type': 'json' } })).toEqual([]);
  });

  it('does not hold a tool-calling turn to the JSON format (the final answer is)', async () => {
    const toolTurn = {
      output: 'Let me check the forecast.',
      outputParts: [{ type: 'tool_call', id: 'call_1', name: 'get_weather', arguments: '{"city":"Paris"}' }],
      finishReason: 'tool_calls',
    };
    expect(await qualityOf({ ...toolTurn, responseFormat: { type: 'json_object' } })).toEqual([]);
  });

  // LiteLLM v1 names the response format only on the provider-raw child span (capture on).
  it('learns JSON was asked from the LiteLLM v1 raw_gen_ai_request child span, through trace_assembler', async () => {
    const { startChain } = await import('../run-pipeline.ts');
    const call = qualitySpan({ spanId: 'aa00000000000001', output: 'Sure! The weather in Paris is sunny.' });
    const raw = (format: string, parent: string) => ({
      name: 'raw_gen_ai_request',
      scope: 'litellm',
      traceId: call.traceId,
      parentSpanId: parent,
      attributes: { 'llm.openai.model': 'gpt-4o', 'llm.openai.response_format': `{'type': '${format}'}` },
    });
    const runWith = async (extra: object[]) => {
      const chain = await startChain({ startMs: 0, detectors: { quality: { workers: { threads: 0 } } } });
      await chain.send([call, ...(extra as (typeof call)[])]);
      return (await chain.finish()).events
        .filter((e) => e.category === 'quality')
        .map((e) => `${e.subtype}:${(e.evidence as { format?: string }).format}`);
    };
    expect(await runWith([raw('json_object', 'aa00000000000001')])).toEqual(['format_violation:json_object']);
    expect(await runWith([raw('text', 'aa00000000000001')])).toEqual([]);
    expect(await runWith([raw('json_object', 'bb00000000000009')])).toEqual([]); // another call's raw span
    expect(await runWith([])).toEqual([]);
  });

  it('rejects a route schema that does not compile at config time, naming its path', async () => {
    const { QualityConfig } = await import('../../../../processors/detectors/quality/config.ts');
    const r = QualityConfig.safeParse({ route_schemas: { '/v1/extract': { type: 'no-such-type' } } });
    expect(r.success).toBe(false);
    expect(r.error!.issues[0]).toMatchObject({ path: ['route_schemas', '/v1/extract'] });
    expect(r.error!.issues[0].message).toMatch(/^not a valid JSON Schema/);
  });
});

describe('refusal', () => {
  it('reports a short answer opening with a refusal phrase, with rule, language and offset', async () => {
    const [s] = await qualityOf({ output: "I'm sorry, but I can't help with that request." });
    expect(s).toMatchObject({
      subtype: 'refusal',
      detection_method: 'phrase_pattern',
      confidence: 0.9,
      evidence: { rule: 'refusal:en.sorry_but', language: 'en', offset: 0 },
    });
  });

  it('reports the provider refusal field (OpenAI message.refusal) at confidence 1', async () => {
    const [s] = await qualityOf({ outputMessage: { role: 'assistant', content: null, refusal: 'I cannot assist with that.' } });
    expect(s).toMatchObject({
      subtype: 'refusal',
      detection_method: 'provider_field',
      confidence: 1,
      evidence: { rule: 'refusal:provider_field' },
    });
  });

  it('reports refusals in German, French and Spanish', async () => {
    for (const output of [
      'Es tut mir leid, aber ich kann Ihnen dabei nicht helfen.',
      'Désolé, mais je ne peux pas répondre à cette question.',
      'Lo siento, pero no puedo ayudarte con eso.',
    ]) {
      expect(subtypes(await qualityOf({ output }))).toEqual(['refusal']);
    }
  });

  it('does not report "I can\'t believe how good this is", an apology followed by an answer, or a long answer', async () => {
    expect(await qualityOf({ output: "I can't believe how good this is! The pasta recipe works perfectly." })).toEqual([]);
    expect(await qualityOf({ output: "I'm sorry to hear your order was late. It ships tomorrow." })).toEqual([]);
    const long = [
      'I cannot provide legal advice, but here is general information.',
      'Tenancy law differs by country and often by city, so start with the rules where the flat is.',
      'Most places require written notice before a landlord can raise the rent or end a lease.',
      'Deposits are usually capped and must be returned within a set period after you move out.',
      'Keep copies of your contract, payment receipts and any messages about repairs.',
      'Local tenant associations and legal aid clinics can review your situation for free or at low cost.',
      'If a dispute escalates, a housing tribunal or small-claims court is the usual next step.',
    ].join(' ');
    expect(await qualityOf({ output: long, outputTokens: 140 })).toEqual([]);
  });

  it('does not report a refusal phrase inside a list or code', async () => {
    expect(await qualityOf({ output: 'Common replies:\n- I cannot help with that\n- Sure, here you go' })).toEqual([]);
  });
});

describe('truncation', () => {
  it('reports finish_reason length with the token counts', async () => {
    const [s] = await qualityOf({ output: 'The history of Paris begins with', finishReason: 'length', outputTokens: 256, maxTokens: 256 });
    expect(s).toMatchObject({
      subtype: 'truncation',
      detection_method: 'finish_reason',
      confidence: 1,
      evidence: { rule: 'finish:length', output_tokens: 256, max_tokens: 256 },
    });
  });

  it('reports output tokens at max_tokens when no finish reason was recorded, at 0.8', async () => {
    const [s] = await qualityOf({
      output: 'The history of Paris begins with',
      finishReason: '',
      outputTokens: 64,
      maxTokens: 64,
      attributes: { 'gen_ai.response.finish_reasons': '[]' },
    });
    expect(s).toMatchObject({
      subtype: 'truncation',
      detection_method: 'token_count',
      confidence: 0.8,
      evidence: { rule: 'tokens:max_tokens' },
    });
  });

  it('does not report a stopped answer under max_tokens', async () => {
    expect(await qualityOf({ output: 'It is sunny.', outputTokens: 4, maxTokens: 256 })).toEqual([]);
  });

  it('keeps the truncation primary when the cut-off JSON also fails to parse', async () => {
    const signals = await qualityOf({
      output: '{"city":"Par',
      responseFormat: { type: 'json_object' },
      finishReason: 'length',
      outputTokens: 5,
      maxTokens: 5,
    });
    expect(signals.map((s) => [s.subtype, s.confidence])).toEqual([
      ['truncation', 1],
      ['format_violation', 0.8],
    ]);
  });
});

describe('empty_response', () => {
  it('reports zero output tokens on a successful call', async () => {
    const [s] = await qualityOf({ outputTokens: 0 });
    expect(s).toMatchObject({
      subtype: 'empty_response',
      detection_method: 'token_count',
      confidence: 1,
      evidence: { rule: 'tokens:zero_output' },
    });
  });

  it('reports captured output with no text, at 0.9', async () => {
    const [s] = await qualityOf({ output: '   ', outputTokens: 1 });
    expect(s).toMatchObject({
      subtype: 'empty_response',
      detection_method: 'content',
      confidence: 0.9,
      evidence: { rule: 'content:blank_output' },
    });
  });

  it('does not report a tool-call answer, a safety block, or a call whose output was not captured', async () => {
    expect(
      await qualityOf({
        outputParts: [{ type: 'tool_call', id: 'c1', name: 'get_weather', arguments: { city: 'Paris' } }],
        finishReason: 'tool_calls',
        outputTokens: 12,
      }),
    ).toEqual([]);
    expect(subtypes(await qualityOf({ finishReason: 'content_filter', outputTokens: 0 }))).toEqual(['safety_block']);
    expect(await qualityOf({ outputTokens: 7 })).toEqual([]);
  });

  it('does not judge failed calls', async () => {
    const signals = await signalsOf(
      qualitySpan({
        outputTokens: 0,
        attributes: { 'error.code': '500', 'http.response.status_code': 500, 'error.type': 'InternalServerError' },
      }),
      INLINE,
    );
    expect(quality(signals)).toEqual([]);
  });
});

describe('hallucination (grounding screen and scores)', () => {
  it('reports numbers, amounts and a URL in a RAG answer that appear nowhere in the context', async () => {
    const output = 'Northwind Traders earned $5,100,000 in fiscal 2024, up 27%, and runs 40 stores (https://northwind.example/investors).';
    const [s] = await qualityOf({ tool: ANNUAL_REPORT, output });
    expect(s).toMatchObject({
      subtype: 'hallucination',
      detection_method: 'grounding',
      evidence: { rule: 'grounding:ungrounded_facts', entities_checked: true },
    });
    expect(s.evidence).toMatchObject({ ungrounded: { currency: 1, percent: 1, number: 1, url: 1 } });
    // 5100000 is a run of six digits or more, so it is starred like any account number would be.
    expect(s.evidence.ungrounded_values).toEqual(['*******', '27', '40']);
    expect(s.confidence).toBeGreaterThan(0.7);
  });

  it('does not report a correct answer that quotes its numbers, dates and names from the context', async () => {
    const output =
      'Northwind Traders reported revenue of $4.25 million for fiscal 2024 (up 18%), opened 12 new stores and had 1,340 employees. The dividend of $0.45 was approved on November 15, 2024, and Ana Lopez credited Lisbon and Porto.';
    expect(await qualityOf({ tool: ANNUAL_REPORT, output })).toEqual([]);
  });

  it('screens the string values of a JSON answer like prose: invented figures are reported, its keys and its confidence field are not read', async () => {
    const json = { type: 'json_object' };
    const invented = JSON.stringify({
      answer: 'Northwind Traders earned $5,100,000 in fiscal 2024, up 27%, and runs 40 stores.',
      confidence: 0.93,
    });
    const [s, ...rest] = await qualityOf({ tool: ANNUAL_REPORT, output: invented, responseFormat: json });
    expect(rest).toEqual([]);
    expect(s).toMatchObject({
      subtype: 'hallucination',
      detection_method: 'grounding',
      evidence: { ungrounded: { currency: 1, percent: 1, number: 1 } },
    });
    // 40 and 2024 (grounded) are the numbers checked; 0.93 is not among them.
    expect(s.evidence.checked).toEqual({ currency: 1, percent: 1, number: 2, entity: 1 });
    // Nested strings are read too; a grounded answer with a score and a count beside it passes.
    const grounded = JSON.stringify({
      result: { summary: ['Revenue was $4.25 million in fiscal 2024, up 18%.', 'Northwind opened 12 new stores.'] },
      confidence: 0.93,
      sources: 37,
    });
    expect(await qualityOf({ tool: ANNUAL_REPORT, output: grounded, responseFormat: json })).toEqual([]);
  });

  it('grounds answers in retrieved documents of the same trace, and citation markers in their count', async () => {
    const traceId = '7a000000000000000000000000000001';
    const items = await detectItems(
      [
        retrieverSpan(traceId, [ANNUAL_REPORT, 'Store list: Lisbon, Porto, Faro.']),
        qualitySpan({
          traceId,
          user: 'How did Northwind do in 2024?',
          output: 'Revenue reached $4,250,000 in 2024, an 18% rise [1], with stores in Faro [2].',
        }),
      ],
      INLINE,
    );
    expect(items.flatMap((i) => quality(i.signals))).toEqual([]);
  });

  it('reports ungrounded named entities found by the entity check', async () => {
    const output = 'The report was signed by Michael Brandt and audited by Kessler Partners in Geneva.';
    const [s] = await qualityOf({ tool: ANNUAL_REPORT, output });
    expect(s).toMatchObject({ subtype: 'hallucination', evidence: { ungrounded: { entity: 3 } } });
    expect(JSON.stringify(s)).not.toContain('Brandt');
  });

  it('does not check the names of an answer to a plain conversation, which come from knowledge or manners', async () => {
    const system = `You are the assistant of Northwind Support. ${"Answer briefly and politely, in the customer's language. ".repeat(8)}`;
    const polite =
      'Dear Ms Jones, we are sorry your order arrived late. Our Customer Care Team has asked the Rotterdam Warehouse to refund the shipping fee.\n\nKind regards,\nSarah Miller';
    expect(
      await qualityOf({ system, user: 'Write a polite reply to a customer asking for a refund on a late delivery.', output: polite }),
    ).toEqual([]);
    const knowledge = 'Apache Kafka and RabbitMQ both offer at-least-once delivery; Amazon SQS FIFO queues add exactly-once processing.';
    expect(
      await qualityOf({ system, user: 'Explain the difference between at-least-once and exactly-once delivery.', output: knowledge }),
    ).toEqual([]);
  });

  it('checks numbers and names against text the user pasted into the conversation', async () => {
    const report = `Incident report: the nightly export job failed at 02:10 after its retries exhausted the queue; orders placed after 02:00 were delayed by two hours. Owner: Data Platform. ${'Timeline and owner notes follow. '.repeat(8)}`;
    const user = `Summarise this incident report: ${report}`;
    const [numbers] = await qualityOf({ user, output: 'The export failed at 04:45 and 3,200 orders were delayed by 75 minutes.' });
    expect(numbers).toMatchObject({ subtype: 'hallucination', evidence: { entities_checked: true, ungrounded: { number: 3 } } });
    const [names] = await qualityOf({
      user,
      output: 'The export was owned by Marta Lindqvist of Frontier Logistics, who paged Oskar Brenner.',
    });
    // "Marta Lindqvist of Frontier Logistics" is one name (joined by "of"), "Oskar Brenner" the other.
    expect(names).toMatchObject({ subtype: 'hallucination', evidence: { ungrounded: { entity: 2 } } });
    expect(
      await qualityOf({
        user,
        output: 'The nightly export job failed at 02:10; orders after 02:00 were delayed by two hours. Owner: the Data Platform team.',
      }),
    ).toEqual([]);
  });

  it('does not screen an answer to a bare question with no supplied context', async () => {
    expect(
      await qualityOf({
        user: 'When was the Eiffel Tower built?',
        output: 'It was completed in 1889 and is 330 metres tall, designed by Gustave Eiffel.',
      }),
    ).toEqual([]);
  });

  it('reports a hallucination score above 0.7 and a faithfulness score below 0.5 written on the span', async () => {
    const high = await qualityOf({ output: 'It is sunny.', attributes: { hallucination_score: 0.92 } });
    expect(high).toMatchObject([
      {
        subtype: 'hallucination',
        detection_method: 'evaluation_score',
        confidence: 0.92,
        evidence: { rule: 'score:hallucination', score_name: 'hallucination_score', threshold: 0.7 },
      },
    ]);
    const named = await qualityOf({
      output: 'It is sunny.',
      attributes: { 'gen_ai.evaluation.name': 'hallucination', 'gen_ai.evaluation.score.value': 0.8 },
    });
    expect(subtypes(named)).toEqual(['hallucination']);
    const faithful = await qualityOf({ output: 'It is sunny.', attributes: { faithfulness: 0.3 } });
    expect(faithful).toMatchObject([
      { subtype: 'low_faithfulness', confidence: 0.7, evidence: { rule: 'score:faithfulness', score: 0.3 } },
    ]);
  });

  it('does not report scores on the good side of their thresholds, or scores on another scale', async () => {
    expect(await qualityOf({ output: 'It is sunny.', attributes: { hallucination_score: 0.2, faithfulness: 0.9 } })).toEqual([]);
    expect(await qualityOf({ output: 'It is sunny.', attributes: { hallucination_score: 7 } })).toEqual([]);
    const settings = { quality: { workers: { threads: 0 }, hallucination_score_threshold: 0.95 } };
    expect(await qualityOf({ output: 'It is sunny.', attributes: { hallucination_score: 0.92 } }, settings)).toEqual([]);
  });
});

describe('language_drift', () => {
  const user = 'Could you summarise the opening hours of the museum for next weekend, please?';

  it('reports an answer in another language than the user wrote in', async () => {
    const [s] = await qualityOf({
      user,
      output: 'Le musée est ouvert samedi et dimanche de dix heures à dix-huit heures, avec une nocturne le samedi.',
    });
    expect(s).toMatchObject({
      subtype: 'language_drift',
      detection_method: 'language_id',
      confidence: 0.7,
      evidence: { rule: 'language:mismatch', input_language: 'en', output_language: 'fr' },
    });
  });

  it('does not report a same-language answer, a requested translation, a code answer or a short answer', async () => {
    expect(
      await qualityOf({ user, output: 'The museum is open on Saturday and Sunday from ten to six, with late opening on Saturday.' }),
    ).toEqual([]);
    expect(
      await qualityOf({
        user: 'Please translate this sentence for my guests: the museum opens at ten on Saturday.',
        output: 'Le musée ouvre à dix heures le samedi, et ferme à dix-huit heures le soir.',
      }),
    ).toEqual([]);
    expect(
      await qualityOf({
        user,
        system: 'Always answer in French.',
        output: 'Le musée est ouvert samedi et dimanche de dix heures à dix-huit heures, avec une nocturne le samedi.',
      }),
    ).toEqual([]);
    expect(
      await qualityOf({ user, output: '```python\ndef horaires():\n    return "samedi et dimanche de dix heures à dix-huit heures"\n```' }),
    ).toEqual([]);
    expect(await qualityOf({ user, output: 'Oui, bien sûr.' })).toEqual([]);
  });

  it('still reports a Spanish or German answer that quotes English names to an English question (the function-word shortcut is for plain English only)', async () => {
    const spanish = await qualityOf({
      user,
      output:
        'El museo abre el sábado y el domingo de diez a seis; la exposición "The Art of the City" está en la segunda planta y la entrada es gratuita.',
    });
    expect(spanish.map((s) => s.evidence.output_language)).toEqual(['es']);
    const german = await qualityOf({
      user,
      output:
        'Das Museum ist am Samstag und Sonntag von zehn bis achtzehn Uhr geöffnet; die Ausstellung "Art for the People" ist im zweiten Stock.',
    });
    expect(german.map((s) => s.evidence.output_language)).toEqual(['de']);
  });

  it('does not report a terse label-style answer that tinyld cannot place with confidence', async () => {
    // tinyld's best guesses for these are French and Latin at accuracies of 0.02–0.03.
    expect(
      await qualityOf({
        user: 'Classify this ticket: "The app crashes when I upload a photo".',
        output: 'Category: bug. Component: mobile upload. Priority: high.',
      }),
    ).toEqual([]);
    expect(
      await qualityOf({
        user: 'Who owns the billing account for the Lisbon office, and what role do they have?',
        output: 'Name: Anna Berg. Role: admin. Team: billing.',
      }),
    ).toEqual([]);
  });

  it('does not read names inside a sentence as a language (tinyld places "… Marta Lindqvist of Frontier Logistics …" in Klingon)', async () => {
    expect(
      await qualityOf({
        user: 'Who owned the export job last night, and who was paged when it failed?',
        output: 'The export was owned by Marta Lindqvist of Frontier Logistics, who paged Oskar Brenner.',
      }),
    ).toEqual([]);
  });

  it('still reports UI-heavy English prose answering a German question (a weak guess, well ahead of the next)', async () => {
    const [s] = await qualityOf({
      user: 'Wie kann ich in Excel doppelte Einträge in einer Spalte farbig markieren?',
      output:
        'Select the column, go to Home → Conditional Formatting → Highlight Cells Rules → Duplicate Values, choose a colour and click OK.',
    });
    expect(s).toMatchObject({ subtype: 'language_drift', evidence: { input_language: 'de', output_language: 'en' } });
  });

  it('does not report an answer in the language the user asked for', async () => {
    const output = 'Votre colis est en route et arrivera chez vous demain avant midi, comme prévu.';
    expect(
      await qualityOf({ user: 'Translate "Your package is on its way and arrives tomorrow before noon" into French.', output }),
    ).toEqual([]);
    expect(await qualityOf({ user: 'Tell the customer, in French, that the package is on its way and arrives tomorrow.', output })).toEqual(
      [],
    );
    expect(
      subtypes(await qualityOf({ user: 'Tell the customer that the package is on its way and arrives tomorrow before noon.', output })),
    ).toEqual(['language_drift']);
  });

  it('is off with language.enabled false', async () => {
    const output = 'Le musée est ouvert samedi et dimanche de dix heures à dix-huit heures, avec une nocturne le samedi.';
    expect(await qualityOf({ user, output }, { quality: { workers: { threads: 0 }, language: { enabled: false } } })).toEqual([]);
  });
});

describe('input-token check', () => {
  const user = 'What is the weather like in Paris this weekend? I am planning a walk along the river.';

  it('adds reported and predicted input tokens to the evidence of every signal when the report is over 15 % above', async () => {
    const [s] = await qualityOf({ user, output: "I'm sorry, but I can't help with that.", inputTokens: 400 });
    expect(s).toMatchObject({ subtype: 'refusal', evidence: { input_tokens_reported: 400 } });
    expect(s.evidence.input_tokens_predicted).toBeGreaterThan(15);
    expect(s.evidence.input_tokens_predicted).toBeLessThan(40);
    expect(s.evidence.input_tokens_excess_ratio).toBeGreaterThan(5);
  });

  it('adds nothing when the reported count is close to the prediction', async () => {
    const [s] = await qualityOf({ user, output: "I'm sorry, but I can't help with that.", inputTokens: 27 });
    expect(s.evidence).not.toHaveProperty('input_tokens_reported');
  });
});

describe('quality settings', () => {
  it('reports nothing with quality.enabled false', async () => {
    expect(await qualityOf({ outputTokens: 0 }, { quality: { enabled: false } })).toEqual([]);
  });

  it('adds no quality signal to any span of the failure-case fixture beyond its expected safety blocks', async () => {
    const items = await detectItems(
      FAILURE_CASES.flatMap((c) => c.spans),
      INLINE,
    );
    const found = items.flatMap((i) => quality(i.signals)).map((s) => s.subtype);
    expect(new Set(found)).toEqual(new Set(['safety_block']));
  });
});
