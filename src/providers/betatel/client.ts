import { ProviderHttp, type HttpLimits, type UpstreamObserver } from '../http.js';
import type { ConfiguredSettings, ProviderClient } from '../provider.js';
import { normalizeBetatelWdr } from './normalize.js';
import { betatelErrorDetail, betatelWdrBody } from './schema.js';

export interface BetatelCredentials {
  apiKey: string;
  accountId: string;
}

/** Betatel WhatsApp delivery record client: GET /api/v1/connect-hub/whatsapp/{uuid}/wdr. */
export function createBetatelClient(settings: ConfiguredSettings<BetatelCredentials>, limits: HttpLimits, observer?: UpstreamObserver): ProviderClient {
  const credentials = settings.credentials;
  const http = new ProviderHttp('BETATEL', settings.baseUrl, limits, [credentials.apiKey, credentials.accountId], observer);
  return {
    async fetchStatus(uuid, call) {
      const observedAt = new Date();
      const result = await http.getJson({
        path: `/api/v1/connect-hub/whatsapp/${encodeURIComponent(uuid)}/wdr`,
        headers: {
          'content-type': 'application/json',
          'x-api-key': credentials.apiKey,
          'x-account-id': credentials.accountId,
        },
        schema: betatelWdrBody,
        errorDetail: betatelErrorDetail,
        call,
      });
      return result.found ? normalizeBetatelWdr(result.data, observedAt) : null;
    },
    close: () => http.close(),
  };
}
