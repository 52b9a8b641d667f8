import type { StatusService } from '../lookup/status-service.js';
import type { RedisConnection } from './connection.js';
import type { SharedCache } from './shared-cache.js';

/**
 * Pub/sub is at most once: a status event published while this replica's pub/sub connection
 * was away is never heard here. Redis still holds the change (the writer sends it before it
 * publishes, on one connection; a write Redis could not take is sent again by the shared cache,
 * on resuming too), so each time pub/sub resumes, every message this replica watches or caches is read
 * again from the shared cache (pipelined HGETALLs, 100 keys a round trip) and offered to the
 * status service: the status merge keeps what is newer, and subscribers hear what they missed.
 * A message Redis no longer holds (it restarted empty) is written back from here, watched or cached.
 * Returns the way to stop.
 */
export function resyncOnPubSubResume(connection: RedisConnection, cache: SharedCache, service: Pick<StatusService, 'offer' | 'share'>, held: () => { provider: string; id: string }[]): () => void {
  return connection.onPubSubResumed(() => {
    const messages = held();
    if (messages.length === 0) return;
    void cache.readMany(messages.map(({ provider, id }) => `${provider}:${id}`)).then((answers) => {
      answers.forEach((answer, i) => {
        const { provider, id } = messages[i]!;
        if (answer) service.offer(provider, id, answer.record, answer.checkedAt, 'shared');
        // Redis lost it (restarted empty) while this replica holds it: written back, whole.
        else service.share(provider, id);
      });
    });
  });
}
