import type { DeliveryState } from '../../src/domain/delivery-state.js';
import type { AnyProviderModule } from '../../src/providers/provider.js';
import type { ErrorScenario } from '../../src/sandbox/scenarios.js';

/** What the conformance suite (test/integration/providers/provider-conformance.test.ts) needs to know of one provider. */
export interface ConformanceCase {
  module: AnyProviderModule;
  /** The provider's root field and its id argument (also its own entity key). */
  rootField: string;
  keyField: string;
  /** An id its simulator answers with a record, and that record's state. */
  found: { id: string; state: DeliveryState };
  /** Every provider status its normalizer knows, with its state (anything else is UNKNOWN): the docs' states column. */
  statuses: ReadonlyMap<string, DeliveryState>;
  /** Ids the simulator answers a record in each listed state for. */
  states: Partial<Record<DeliveryState, string>>;
  /** Not in the provider's id format. */
  invalidId: string;
  /** The simulator's id for each error scenario. */
  scenarios: Record<ErrorScenario, string>;
  /** A webhook body about `found.id`, as the provider would push it. */
  webhookBody(): unknown;
  /** A webhook body about `found.id` in a state behind `found.state` (SENT): the merge rule must not apply it. */
  olderWebhookBody(): unknown;
}
