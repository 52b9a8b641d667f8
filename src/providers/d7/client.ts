import { DEFAULT_RECORD_BOUNDS, type RecordBounds } from '../../domain/record-bounds.js';
import { ProviderHttp, type HttpLimits, type UpstreamObserver } from '../http.js';
import type { ConfiguredSettings, ProviderClient } from '../provider.js';
import { normalizeD7Report } from './normalize.js';
import { d7ErrorDetail, d7ReportBody } from './schema.js';

export interface D7Credentials {
  token: string;
}

/** D7 Networks WhatsApp report client: GET /whatsapp/v2/report/{request_id}. */
export function createD7Client(settings: ConfiguredSettings<D7Credentials>, limits: HttpLimits, observer?: UpstreamObserver, bounds: RecordBounds = DEFAULT_RECORD_BOUNDS): ProviderClient {
  const credentials = settings.credentials;
  const http = new ProviderHttp('D7', settings.baseUrl, limits, [credentials.token], observer);
  return {
    async fetchStatus(requestId, call) {
      const observedAt = new Date();
      const result = await http.getJson({
        path: `/whatsapp/v2/report/${encodeURIComponent(requestId)}`,
        headers: { authorization: `Bearer ${credentials.token}` },
        schema: d7ReportBody,
        errorDetail: d7ErrorDetail,
        call,
      });
      return result.found ? normalizeD7Report(result.data, observedAt, bounds.maxMessages) : null;
    },
    close: () => http.close(),
  };
}
