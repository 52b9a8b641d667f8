/** One event of a text/event-stream body (GraphQL over SSE: `next` with a JSON result, then `complete`). */
export interface ServerSentEvent {
  event: string;
  data: string;
}

/** An event longer than the reader's bound: the producer is refused rather than buffered. */
export class EventTooLarge extends Error {
  constructor(readonly maxEventBytes: number) {
    super(`event larger than ${maxEventBytes} bytes`);
    this.name = 'EventTooLarge';
  }
}

/**
 * Reads a text/event-stream body event by event. Comment lines (yoga's keep-alive `:`) are
 * skipped. `return()` cancels the body at once, which ends the producer's iterator on the
 * other side (yoga returns the subscription, so its watchers are freed).
 * `maxEventBytes` bounds the buffer: a producer that never ends an event cannot grow it.
 */
export class EventStreamReader implements AsyncIterableIterator<ServerSentEvent> {
  private readonly reader: ReadableStreamDefaultReader<Uint8Array>;
  private readonly decoder = new TextDecoder();
  private buffer = '';
  private finished = false;

  constructor(
    body: ReadableStream<Uint8Array>,
    private readonly maxEventBytes: number,
  ) {
    this.reader = body.getReader();
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  async next(): Promise<IteratorResult<ServerSentEvent>> {
    for (;;) {
      const event = this.parseOne();
      if (event) return { done: false, value: event };
      if (this.finished) return { done: true, value: undefined };
      const { done, value } = await this.reader.read();
      if (done) {
        this.finished = true;
        continue;
      }
      this.buffer += this.decoder.decode(value, { stream: true });
      if (this.buffer.length > this.maxEventBytes) {
        // The body is cancelled here, so a caller that drops the reader on this error leaks nothing.
        void this.return();
        throw new EventTooLarge(this.maxEventBytes);
      }
    }
  }

  async return(): Promise<IteratorResult<ServerSentEvent>> {
    this.finished = true;
    this.buffer = '';
    await this.reader.cancel().catch(() => undefined);
    return { done: true, value: undefined };
  }

  private parseOne(): ServerSentEvent | undefined {
    for (;;) {
      const end = this.buffer.indexOf('\n\n');
      if (end < 0) return undefined;
      const block = this.buffer.slice(0, end);
      this.buffer = this.buffer.slice(end + 2);
      let event = 'message';
      const data: string[] = [];
      for (const line of block.split('\n')) {
        if (line.startsWith(':') || line === '') continue;
        const colon = line.indexOf(':');
        const field = colon < 0 ? line : line.slice(0, colon);
        const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
        if (field === 'event') event = value;
        else if (field === 'data') data.push(value);
      }
      // A block of comments only (a keep-alive): nothing to hand on.
      if (data.length === 0 && event === 'message') continue;
      return { event, data: data.join('\n') };
    }
  }
}
