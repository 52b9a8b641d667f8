import type { MessageStatusRecord } from '../domain/message-status.js';
import type { StatusService } from '../lookup/status-service.js';
import type { EntryCodec } from './entry-format.js';
import { diffParts } from './entry-writer.js';
import type { EventBus, StatusChange } from './event-bus.js';
import type { SharedCache } from './shared-cache.js';

/**
 * Makes every replica hear every change: what this replica learns itself (its upstream calls,
 * webhooks it received) is published; what other replicas publish is offered to this one's
 * status service, through the status merge, so its own listeners (subscriptions, watchers) hear
 * it too. Changes that came from the other replicas (their events, the shared cache) are not
 * published again: their origin did.
 *
 * An event carries what changed: for a record of many parts (a D7 report), the parts the merge
 * took (one message for one delivery event) with the record's head and state, so its size
 * follows the change, not the report. A receiver merges it into what it knows. One that knows
 * nothing of the message (or "not found") has nothing to merge it into: it reads the shared
 * entry instead when someone here watches the message (`watched`), and otherwise leaves it (its
 * next lookup reads the entry), so replicas that do not care pay nothing for a report's size.
 */
export function bridgeStatusChanges(
  service: StatusService,
  bus: EventBus<StatusChange>,
  codec: EntryCodec,
  cache: Pick<SharedCache, 'read'>,
  watched: (provider: string, id: string) => boolean,
): () => void {
  const offLocal = service.onChange((change) => {
    if (change.origin !== 'local') return;
    const partial = change.previous ? onlyChanged(codec, change.previous, change.record) : undefined;
    void bus.publish({ key: `${change.provider}:${change.id}`, answer: { record: partial ?? change.record, checkedAt: change.checkedAt }, partial: partial !== undefined });
  });
  const offRemote = bus.subscribe((event) => {
    const colon = event.key.indexOf(':');
    if (colon <= 0) return;
    const [provider, id] = [event.key.slice(0, colon), event.key.slice(colon + 1)];
    if (event.partial && !service.known(provider, id)) {
      if (watched(provider, id)) void cache.read(event.key).then((answer) => void (answer && service.offer(provider, id, answer.record, answer.checkedAt, 'shared')));
      return;
    }
    service.offer(provider, id, event.answer.record, event.answer.checkedAt, 'shared');
  });
  return () => {
    offLocal();
    offRemote();
  };
}

/** `record` holding only the parts that changed since `previous`, its state kept; undefined when that is all of them (or it has one part). */
function onlyChanged(codec: EntryCodec, previous: MessageStatusRecord, record: MessageStatusRecord): MessageStatusRecord | undefined {
  const next = codec.parts(record);
  if (next.length <= 1) return undefined;
  const { changed } = diffParts(codec.parts(previous), next);
  if (changed.length === next.length) return undefined;
  const partial = codec.withParts(
    record,
    changed.map(([p]) => p.part),
  );
  // The state of the whole record, not of these parts alone: a receiver that knows as much finds nothing new in it.
  return { ...partial, state: record.state, isFinal: record.isFinal };
}
