// The part of LiteLLM's proxy admin API the actions exporter uses: GET /model/info lists the
// deployments (model_info.id, model_info.db_model, litellm_params.weight); POST /model/update
// changes one database-stored deployment ({ model_info: { id }, litellm_params: { weight } }). The
// proxy refuses config-file models with a 400, which the caller turns into a recommendation.
import { storableJsonValue, storableText } from '../../agent/core/model/storable-text.ts';

export interface DeploymentInfo {
  id: string;
  modelName: string;
  isDbModel: boolean;
  weight: number | null;
}

export class AdminApiError extends Error {
  constructor(
    message: string,
    readonly status: number | null,
  ) {
    super(message);
    this.name = 'AdminApiError';
  }
}

export interface LiteLlmAdmin {
  deployments(): Promise<DeploymentInfo[]>;
  updateWeight(id: string, weight: number): Promise<void>;
}

export function createLiteLlmAdmin(options: { url: string; apiKey: string; timeoutMs: number }): LiteLlmAdmin {
  const base = options.url.replace(/\/+$/, '');
  const request = async (path: string, init: RequestInit): Promise<unknown> => {
    let res: Response;
    try {
      res = await fetch(`${base}${path}`, {
        ...init,
        headers: { authorization: `Bearer ${options.apiKey}`, 'content-type': 'application/json' },
        signal: AbortSignal.timeout(options.timeoutMs),
      });
    } catch (err) {
      throw new AdminApiError(`LiteLLM admin API ${path} did not answer: ${err instanceof Error ? err.message : String(err)}`, null);
    }
    const text = await res.text();
    if (!res.ok) throw new AdminApiError(`LiteLLM admin API ${path} answered ${res.status}: ${errorMessage(text)}`, res.status);
    try {
      return storableJsonValue(JSON.parse(text) as unknown);
    } catch {
      throw new AdminApiError(`LiteLLM admin API ${path} answered ${res.status} with a body that is not JSON`, res.status);
    }
  };
  return {
    async deployments() {
      const body = (await request('/model/info', { method: 'GET' })) as { data?: unknown };
      if (!Array.isArray(body?.data)) throw new AdminApiError('LiteLLM admin API /model/info answered without a data list', 200);
      const out: DeploymentInfo[] = [];
      for (const d of body.data as Record<string, any>[]) {
        const id = d?.model_info?.id;
        if (typeof id !== 'string') continue;
        const weight = d?.litellm_params?.weight;
        out.push({
          id,
          modelName: typeof d.model_name === 'string' ? d.model_name : '',
          isDbModel: d.model_info.db_model === true,
          weight: typeof weight === 'number' ? weight : null,
        });
      }
      return out;
    },
    async updateWeight(id, weight) {
      await request('/model/update', { method: 'POST', body: JSON.stringify({ model_info: { id }, litellm_params: { weight } }) });
    },
  };
}

/** The proxy's error text (ProxyException: { error: { message } }, FastAPI: { detail }), cut short. */
function errorMessage(text: string): string {
  try {
    const body = JSON.parse(text) as Record<string, any>;
    const m = body?.error?.message ?? body?.detail?.error ?? body?.detail ?? text;
    return storableText(String(typeof m === 'string' ? m : JSON.stringify(m)).slice(0, 300));
  } catch {
    return storableText(text.slice(0, 300));
  }
}
