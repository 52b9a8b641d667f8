import type { StatusService } from '../lookup/status-service.js';
import type { EventBus, StatusChange } from './event-bus.js';

/**
 * Makes every replica hear every change: what this replica learns (lookups, webhooks, watcher
 * polls) is published; what other replicas publish is offered to this one's status service,
 * through the status merge, so its own listeners (subscriptions) hear it too. A change that
 * came from the bus is not published again.
 */
export function bridgeStatusChanges(service: StatusService, bus: EventBus<StatusChange>): () => void {
  let fromBus = false;
  const offLocal = service.onChange((change) => {
    if (!fromBus) bus.publish({ key: `${change.provider}:${change.id}`, answer: { record: change.record, checkedAt: change.checkedAt } });
  });
  const offRemote = bus.subscribe((event) => {
    const colon = event.key.indexOf(':');
    if (colon <= 0) return;
    fromBus = true;
    try {
      service.offer(event.key.slice(0, colon), event.key.slice(colon + 1), event.answer.record, event.answer.checkedAt);
    } finally {
      fromBus = false;
    }
  });
  return () => {
    offLocal();
    offRemote();
  };
}
