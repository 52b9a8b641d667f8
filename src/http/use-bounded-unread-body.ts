import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Plugin } from 'graphql-yoga';

/** Most of an unread body read and dropped after its answer before the socket is closed. */
export const LINGER_MAX_BYTES = 1024 * 1024;
/** How long a socket whose body nothing reads any more is kept for its client to read the answer. */
export const LINGER_MAX_MS = 2_000;

/**
 * After an answer sent before the request body was read to its end (a 404, 401, 405, 413, 415,
 * 429, a GET's ignored body), Node reads and drops the rest of the body to reach the next
 * request on the socket, for as long as the client sends it (until REQUEST_TIMEOUT_MS): one
 * client streaming a chunked body it never ended made this process read about 400 MB a second
 * per socket. Here at most LINGER_MAX_BYTES more are read, then the socket is closed; an honest
 * client whose body ends before that keeps its connection. Not closed at once: a client still
 * sending would get a reset and could lose the answer (a lingering close, as nginx does).
 * A body read to its end costs one property check.
 */
export function useBoundedUnreadBody(): Plugin {
  return {
    onResponse({ serverContext }) {
      const { req, res } = (serverContext ?? {}) as { req?: IncomingMessage; res?: ServerResponse };
      // A parser that gave up on the body (the body cap) may have destroyed the request, which
      // lets go of its socket; the response still holds it.
      const socket = req?.socket ?? res?.socket;
      if (req?.complete !== false || !res?.once || !socket || !hasBody(req)) return;
      linger(req, socket, res);
    },
  };
}

function linger(req: IncomingMessage, socket: Socket, res: ServerResponse): void {
  let discarded = 0;
  let answered = false;
  // Our own reader, so that Node does not drop the body uncounted once the answer is sent.
  req.on('data', (chunk: Buffer) => {
    discarded += chunk.length;
    if (answered && discarded > LINGER_MAX_BYTES) socket.destroy();
  });
  req.resume();
  res.once('finish', () => {
    answered = true;
    // Received to its end meanwhile (an answer made synchronously, before the parser's end).
    if (req.complete) return;
    if (discarded > LINGER_MAX_BYTES) socket.destroy();
    else if (req.destroyed) {
      // Nothing reads this socket any more: the client's sends stall (TCP flow control) and
      // cost nothing while it reads the answer; then it is closed.
      const timer = setTimeout(() => socket.destroy(), LINGER_MAX_MS);
      timer.unref();
      socket.once('close', () => clearTimeout(timer));
    }
  });
}

/**
 * Whether the request announced a body. One without (a GET, a probe) has nothing to linger over,
 * though `complete` may still be false when its answer was made synchronously, before the parser
 * reached the message's end: lingering then closed every keep-alive connection 2 s after a /health.
 */
function hasBody(req: IncomingMessage): boolean {
  const length = req.headers['content-length'];
  return req.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}
