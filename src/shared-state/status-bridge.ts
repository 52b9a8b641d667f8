import type { StatusService } from '../lookup/status-service.js';
import type { EventBus, StatusChange } from './event-bus.js';

/**
 * Makes every replica hear every change: what this replica learns itself (its upstream calls,
 * webhooks it received) is published; what other replicas publish is offered to this one's
 * status service, through the status merge, so its own listeners (subscriptions, watchers) hear
 * it too. Changes that came from the other replicas (their events, the shared cache) are not
 * published again: their origin did.
 */
export function bridgeStatusChanges(service: StatusService, bus: EventBus<StatusChange>): () => void {
  const offLocal = service.onChange((change) => {
    if (change.origin === 'local') void bus.publish({ key: `${change.provider}:${change.id}`, answer: { record: change.record, checkedAt: change.checkedAt } });
  });
  const offRemote = bus.subscribe((event) => {
    const colon = event.key.indexOf(':');
    if (colon <= 0) return;
    service.offer(event.key.slice(0, colon), event.key.slice(colon + 1), event.answer.record, event.answer.checkedAt, 'shared');
  });
  return () => {
    offLocal();
    offRemote();
  };
}
