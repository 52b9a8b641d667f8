import { ProviderHttp, type HttpLimits, type UpstreamObserver } from '../../../src/providers/http.js';
import type { ConfiguredSettings, ProviderClient } from '../../../src/providers/provider.js';
import { normalizeAcme } from './normalize.js';
import { acmeErrorDetail, acmeMessageBody } from './schema.js';

export interface AcmeCredentials {
  key: string;
}

/** Acme client: GET /v1/messages/{id} with `authorization: Key …`. */
export function createAcmeClient(settings: ConfiguredSettings<AcmeCredentials>, limits: HttpLimits, observer?: UpstreamObserver): ProviderClient {
  const http = new ProviderHttp('ACME', settings.baseUrl, limits, [settings.credentials.key], observer);
  return {
    async fetchStatus(id, call) {
      const observedAt = new Date();
      const result = await http.getJson({
        path: `/v1/messages/${encodeURIComponent(id)}`,
        headers: { authorization: `Key ${settings.credentials.key}` },
        schema: acmeMessageBody,
        errorDetail: acmeErrorDetail,
        call,
      });
      return result.found ? normalizeAcme(result.data, observedAt) : null;
    },
    close: () => http.close(),
  };
}
