import type { DeliveryState } from '../../../src/domain/delivery-state.js';
import type { ConformanceCase } from '../conformance-case.js';
import { acme } from './index.js';
import { ACME_STATES } from './normalize.js';
import { ACME_SANDBOX, acmeIdInState } from './simulator.js';

/** Acme as the conformance suite sees it: its module and the simulator ids for each check. */
export const acmeCase: ConformanceCase = {
  module: acme,
  rootField: 'acmeMessage',
  keyField: 'acmeId',
  found: { id: ACME_SANDBOX.example, state: 'DELIVERED' },
  statuses: ACME_STATES,
  states: Object.fromEntries([...ACME_STATES].map(([name, state]) => [state, acmeIdInState(name)])) as Record<DeliveryState, string>,
  invalidId: 'acme-12',
  scenarios: ACME_SANDBOX,
  webhookBody: () => ({ id: ACME_SANDBOX.example, state: 'seen', updated_at: new Date().toISOString() }),
  olderWebhookBody: () => ({ id: ACME_SANDBOX.example, state: 'gone', updated_at: new Date().toISOString() }),
};
