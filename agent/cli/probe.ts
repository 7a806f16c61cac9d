import { parseArgs } from 'node:util';
import { probeSpan, providerOfModel } from '../receivers/probe-client/probe-span.ts';
import { formatSummary, runProbes, summarize } from '../tools/probe/run-probes.ts';
import { sendSpans, TargetError } from '../tools/simulate/send-otlp.ts';
import { EXIT, type Command } from './command.ts';
import { createProgress } from './progress.ts';

export const probeCommand: Command = {
  name: 'probe',
  summary: 'Measure a model through an OpenAI-compatible endpoint and record the calls into the baselines.',
  help: `Usage: faultline probe --target URL --model MODEL [options]

Sends small chat requests (a one-line prompt, a few output tokens) to an OpenAI-compatible
endpoint (a LiteLLM proxy, or a provider directly), times each, prints a summary (success rate,
errors by status, latency p50/p95/p99, output tokens per second) and sends every call, marked
synthetic, to a running agent's OTLP endpoint, where it joins the baseline profiles like any call:
a new deployment gets a profile before users arrive.

Options:
  -t, --target URL        the endpoint: base URL (http://litellm:4000) or …/chat/completions
  -m, --model MODEL       model or LiteLLM model group to ask
  -n, --requests N        requests to send (default 1000)
  -c, --concurrency N     requests in flight at once (default 4)
      --provider NAME     provider to profile the calls under (default: read from the model name)
      --api-key-env VAR   environment variable holding the endpoint's bearer token
      --prompt TEXT       the prompt (default "Reply with the single word: ok")
      --max-tokens N      max_tokens of each request (default 5)
      --timeout-ms N      per-request timeout (default 30000)
      --otlp URL          the agent's OTLP/HTTP endpoint (default http://127.0.0.1:4318)
      --no-record         only measure; send nothing to an agent

Exit codes: 0 done, 1 invalid options, 3 the endpoint or the agent could not be reached.`,
  async run(args, io) {
    const { values } = parseArgs({
      args,
      options: {
        target: { type: 'string', short: 't' },
        model: { type: 'string', short: 'm' },
        requests: { type: 'string', short: 'n', default: '1000' },
        concurrency: { type: 'string', short: 'c', default: '4' },
        provider: { type: 'string' },
        'api-key-env': { type: 'string' },
        prompt: { type: 'string', default: 'Reply with the single word: ok' },
        'max-tokens': { type: 'string', default: '5' },
        'timeout-ms': { type: 'string', default: '30000' },
        otlp: { type: 'string', default: 'http://127.0.0.1:4318' },
        'no-record': { type: 'boolean', default: false },
      },
    });
    const bad = (message: string, code: number = EXIT.invalid) => {
      io.stderr.write(`faultline probe: ${message}\n`);
      return code;
    };
    if (!values.target) return bad('give --target URL (an OpenAI-compatible endpoint, e.g. http://127.0.0.1:4000)');
    if (!values.model) return bad('give --model MODEL (the model or LiteLLM model group to ask)');
    try {
      new URL(values.target);
    } catch {
      return bad(`--target must be a URL such as http://127.0.0.1:4000, got "${values.target}"`);
    }
    const whole = (name: string, text: string, max: number) => {
      const n = Number(text);
      return Number.isInteger(n) && n >= 1 && n <= max ? n : null;
    };
    const requests = whole('requests', values.requests, 1_000_000);
    const concurrency = whole('concurrency', values.concurrency, 256);
    const maxTokens = whole('max-tokens', values['max-tokens'], 4_096);
    const timeoutMs = whole('timeout-ms', values['timeout-ms'], 600_000);
    if (requests === null) return bad(`--requests must be a whole number from 1 to 1000000, got "${values.requests}"`);
    if (concurrency === null) return bad(`--concurrency must be a whole number from 1 to 256, got "${values.concurrency}"`);
    if (maxTokens === null) return bad(`--max-tokens must be a whole number from 1 to 4096, got "${values['max-tokens']}"`);
    if (timeoutMs === null) return bad(`--timeout-ms must be a whole number of milliseconds, got "${values['timeout-ms']}"`);
    let apiKey: string | null = null;
    if (values['api-key-env']) {
      apiKey = io.env[values['api-key-env']] ?? null;
      if (!apiKey) return bad(`--api-key-env ${values['api-key-env']}: that variable is not set`);
    }

    const progress = createProgress(io.stderr, 'probed');
    const run = await runProbes(
      { url: values.target, model: values.model, apiKey, prompt: values.prompt, maxTokens, timeoutMs },
      { requests, concurrency, onProgress: (n, total) => progress.update(n, total) },
    );
    progress.done();
    const summary = summarize(run.results);
    io.stdout.write(formatSummary(values.model, summary, run.wallMs));
    if (summary.ok === 0 && Object.keys(summary.errorsByKind).every((k) => !k.startsWith('HTTP')))
      return bad(`no answer from ${values.target}: ${Object.keys(summary.errorsByKind).join(', ')}`, EXIT.failed);
    if (values['no-record']) return EXIT.ok;

    const provider = values.provider ?? providerOfModel(values.model);
    const spans = run.results.map((r) => probeSpan(r, provider)).sort((a, b) => (a.endTimeUnixNano < b.endTimeUnixNano ? -1 : 1));
    try {
      await sendSpans(spans, values.otlp, { speed: null });
    } catch (err) {
      if (err instanceof TargetError) return bad(`${err.message} (or pass --no-record)`, EXIT.failed);
      throw err;
    }
    io.stdout.write(`${spans.length} calls recorded as ${provider} ${values.model} (synthetic) at ${values.otlp}\n`);
    return EXIT.ok;
  },
};
