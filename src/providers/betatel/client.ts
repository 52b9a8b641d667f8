import { ProviderFailure } from '../../domain/provider-failure.js';
import { ProviderHttp, type HttpLimits, type UpstreamObserver } from '../http.js';
import type { ProviderClient, ProviderSettings } from '../provider.js';
import { normalizeBetatelWdr } from './normalize.js';
import { betatelErrorDetail, betatelWdrBody } from './schema.js';

export interface BetatelCredentials {
  apiKey: string;
  accountId: string;
}

/** Betatel WhatsApp delivery record client: GET /api/v1/connect-hub/whatsapp/{uuid}/wdr. */
export function createBetatelClient(settings: ProviderSettings<BetatelCredentials>, limits: HttpLimits, observer?: UpstreamObserver): ProviderClient {
  const credentials = settings.credentials;
  const http = new ProviderHttp('BETATEL', settings.baseUrl, limits, credentials ? [credentials.apiKey, credentials.accountId] : [], observer);
  return {
    async fetchStatus(uuid, call) {
      if (!credentials) {
        throw new ProviderFailure({
          provider: 'BETATEL',
          code: 'NOT_CONFIGURED',
          message: 'BETATEL is not configured on this server (set BETATEL_API_KEY and BETATEL_ACCOUNT_ID)',
        });
      }
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
