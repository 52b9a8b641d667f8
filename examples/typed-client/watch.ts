/**
 * A typed subscription as a frontend would write it: the codegen TypedDocumentNode for
 * operations/MessageStatusChanged.graphql, sent as a persisted document id over GraphQL over
 * SSE with plain fetch (POST, Accept: text/event-stream), one line printed per event until
 * every message is final (the server completes the stream) or Ctrl-C.
 *
 *   npm run example:watch                                   # a fresh sandbox D7 id: PENDING → … → final
 *   npm run example:watch -- D7:<request_id> BETATEL:<uuid>
 *   GRAPHQL_URL=https://host/graphql GRAPHQL_API_KEY=<key> npm run example:watch -- BETATEL:<uuid>
 */
import { randomUUID } from 'node:crypto';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { print } from 'graphql';
import { MessageStatusChangedDocument, type MessageStatusChangedSubscription } from '../../operations/generated/graphql.js';
import { credentials, endpoint, refsFromArgs } from './cli.js';


type Event = MessageStatusChangedSubscription['messageStatusChanged'];

/** Every `next` result of a subscription, typed by its document; ends when the server completes it. */
async function* subscribe<TResult, TVariables>(document: TypedDocumentNode<TResult, TVariables>, variables: TVariables, signal: AbortSignal): AsyncGenerator<TResult> {
  const hash = (document as { __meta__?: { hash?: string } }).__meta__?.hash;
  const res = await fetch(endpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'text/event-stream', ...credentials },
    body: JSON.stringify(hash ? { documentId: hash, variables } : { query: print(document), variables }),
    signal,
  });
  if (!res.ok || !res.body) throw new Error(`HTTP ${res.status}: ${await res.text()}`);
  const decoder = new TextDecoder();
  let buffer = '';
  const reader = res.body.getReader();
  for (let read = await reader.read(); !read.done; read = await reader.read()) {
    buffer += decoder.decode(read.value, { stream: true });
    let end: number;
    // One SSE event per blank-line-terminated block: `event: next` / `data: {...}`, or `event: complete`.
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, end).split('\n');
      buffer = buffer.slice(end + 2);
      const event = block.find((l) => l.startsWith('event:'))?.slice(6).trim();
      const data = block.filter((l) => l.startsWith('data:')).map((l) => l.slice(5).trim()).join('\n');
      if (event === 'complete') return void (await reader.cancel());
      if (event !== 'next') continue;
      const body = JSON.parse(data) as { data?: TResult | null; errors?: { message: string; extensions?: { code?: string } }[] };
      if (body.errors?.length && !body.data) throw new Error(body.errors.map((e) => `${e.message} [${e.extensions?.code ?? 'UNKNOWN'}]`).join('; '));
      if (body.data) yield body.data;
    }
  }
}

/** Fails to compile when the schema gains a member this switch does not handle. */
function unhandled(value: never): never {
  throw new Error(`unhandled result ${JSON.stringify(value)}`);
}

function describe(event: Event): string {
  switch (event.__typename) {
    case 'D7Report':
      return `${event.provider} ${event.providerMessageId}: ${event.state}${event.isFinal ? ' (final)' : ''}, ${event.messages.map((m) => m.status).join(', ')}`;
    case 'BetatelWdr':
      return `${event.provider} ${event.providerMessageId}: ${event.state}${event.isFinal ? ' (final)' : ''}, status ${event.status}`;
    case 'MessageNotFound':
    case 'InvalidMessageId':
    case 'InvalidArgument':
    case 'ProviderError':
      return `${event.provider} ${event.providerMessageId}: ${event.__typename}: ${event.message}`;
    default:
      return unhandled(event);
  }
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  // A D7 id the sandbox has never seen moves from PENDING to a final state in about 15 s.
  const refs = args.length > 0 ? refsFromArgs(args) : [{ provider: 'D7' as const, id: randomUUID() }];
  const controller = new AbortController();
  process.once('SIGINT', () => controller.abort());
  for await (const { messageStatusChanged } of subscribe(MessageStatusChangedDocument, { refs }, controller.signal)) {
    process.stdout.write(`${new Date().toISOString()} ${describe(messageStatusChanged)}\n`);
  }
}

main().catch((error: unknown) => {
  if ((error as { name?: string }).name === 'AbortError') return;
  console.error(`subscription to ${endpoint} failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
