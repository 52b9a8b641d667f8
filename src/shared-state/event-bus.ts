import { z } from 'zod';
import type { RedisConnection } from './connection.js';
import type { SentBytes } from './metrics.js';
import type { AnswerCodec, StoredAnswer } from './stored-answer.js';

/** Who sent an event: this replica (`own`) or another one. */
export interface EventOrigin {
  replicaId: string;
  own: boolean;
}

// 2: status events carry what changed (StatusChange.partial); replicas of version 1 drop them, and these drop theirs.
const VERSION = 2;
const envelope = z.object({ v: z.literal(VERSION), from: z.string(), event: z.unknown() });

/**
 * JSON events on one Redis channel, heard by every replica. Each message names the replica that
 * sent it, so a replica that already acted on its own event can skip it. Messages are checked on
 * receipt: anything that fails `schema` is dropped. Pub/sub is at most once: a replica that is
 * disconnected when an event is published never hears it.
 */
export class EventBus<T> {
  /**
   * How this replica's own messages begin (`publish` writes the envelope in this key order): a
   * replica hears its own events too, and skips them by this prefix without parsing them.
   */
  private readonly ownPrefix: string;

  constructor(
    private readonly redis: RedisConnection,
    private readonly channel: string,
    /** Decodes the JSON form of an event (what `JSON.stringify` made of it) back to an event. */
    private readonly schema: z.ZodType<T, unknown>,
    /** Hears the bytes of each event published. */
    private readonly sentBytes?: (what: SentBytes, bytes: number) => void,
  ) {
    // The envelope up to its event (version and sender), made by the same serializer as publish.
    this.ownPrefix = `${JSON.stringify({ v: VERSION, from: redis.replicaId }).slice(0, -1)},`;
  }

  /** True once Redis took the event; false when Redis is unavailable (only local listeners can know). Never rejects. */
  async publish(event: T): Promise<boolean> {
    const message = JSON.stringify({ v: VERSION, from: this.redis.replicaId, event });
    this.sentBytes?.('status_event', message.length);
    const sent = await this.redis.publish(this.channel, message);
    return sent !== undefined;
  }

  /** Calls `listener` for every valid event of other replicas (and this one's with `includeOwn`), until the returned function is called. */
  subscribe(listener: (event: T, origin: EventOrigin) => void, options: { includeOwn?: boolean } = {}): () => void {
    return this.redis.subscribe(this.channel, (message) => {
      if (!options.includeOwn && message.startsWith(this.ownPrefix)) return;
      let value: unknown;
      try {
        value = JSON.parse(message);
      } catch {
        return;
      }
      const outer = envelope.safeParse(value);
      if (!outer.success) return;
      const own = outer.data.from === this.redis.replicaId;
      if (own && !options.includeOwn) return;
      const event = this.schema.safeParse(outer.data.event);
      if (event.success) listener(event.data, { replicaId: outer.data.from, own });
    });
  }
}

/** A message status that changed (webhook or watcher poll): the cache key it belongs to and the new answer. */
export interface StatusChange {
  key: string;
  answer: StoredAnswer;
  /**
   * True when the record holds only the parts that changed (the D7 messages a merge took), with
   * the rest of the record (its head, its state): a receiver merges it into what it knows.
   */
  partial: boolean;
}

/** The JSON form of a StatusChange, with the record checked by its provider's details schema. */
export const statusChangeSchema = (codec: AnswerCodec): z.ZodType<StatusChange, unknown> => z.object({ key: z.string(), answer: codec.answer, partial: z.boolean() });
