import type { SandboxId } from '../providers/provider.js';

/** The error paths every provider simulator offers, each behind one documented id. */
export type ErrorScenario = 'unauthorized' | 'notFound' | 'slow' | 'rateLimited' | 'serverError' | 'malformedJson' | 'wrongShape';

const BEHAVIOUR: Record<ErrorScenario, string> = {
  unauthorized: '401: ProviderError UNAUTHORIZED',
  notFound: '404: MessageNotFound (null from the root field)',
  slow: 'answers after SANDBOX_SLOW_MS (15 s): ProviderError TIMEOUT',
  rateLimited: '429 with Retry-After: 7: ProviderError RATE_LIMITED',
  serverError: '500: ProviderError UNAVAILABLE',
  malformedJson: '200 with a body that is not JSON: ProviderError BAD_RESPONSE',
  wrongShape: '200 with JSON that breaks the documented format: ProviderError BAD_RESPONSE',
};

/** A provider's documented ids: its own special ones, then one per error scenario. */
export function sandboxIds(ids: Record<ErrorScenario, string>, own: readonly SandboxId[]): readonly SandboxId[] {
  return [...own, ...(Object.keys(BEHAVIOUR) as ErrorScenario[]).map((scenario) => ({ id: ids[scenario], behaviour: BEHAVIOUR[scenario] }))];
}
