/**
 * A typed client as a frontend would write it: documents typed by GraphQL Code Generator
 * (client preset, TypedDocumentNode), sent with plain fetch as persisted document ids,
 * and every member of MessageStatusResult handled, checked by the compiler.
 *
 *   npm run example:client                          # the sandbox's mixed batch
 *   npm run example:client -- D7:<request_id> BETATEL:<uuid>
 *   GRAPHQL_URL=https://host/graphql GRAPHQL_API_KEY=<key> npm run example:client
 *
 * Credentials (docs/security.md): GRAPHQL_API_KEY is sent as x-api-key, GRAPHQL_TOKEN as a
 * bearer token; the sandbox accepts anonymous callers.
 */
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { print } from 'graphql';
import { MessageStatusesDocument, type MessageRef, type MessageStatusesQuery } from '../../operations/generated/graphql.js';
import { credentials, endpoint, refsFromArgs } from './cli.js';


/** One item of the answer: a record or a typed error for that ref. */
type Result = MessageStatusesQuery['messageStatuses'][number];

class GraphQLRequestError extends Error {
  constructor(
    message: string,
    readonly codes: string[],
  ) {
    super(message);
  }
}

/**
 * Runs a typed document. It sends the persisted document id that codegen put in
 * `__meta__.hash` (the server may accept nothing else), or the text for a document
 * generated without persisted documents.
 */
async function request<TResult, TVariables>(document: TypedDocumentNode<TResult, TVariables>, variables: TVariables): Promise<TResult> {
  const hash = (document as { __meta__?: { hash?: string } }).__meta__?.hash;
  const res = await fetch(endpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json, application/json', ...credentials },
    body: JSON.stringify(hash ? { documentId: hash, variables } : { query: print(document), variables }),
  });
  const body = (await res.json()) as { data?: TResult | null; errors?: { message: string; extensions?: { code?: string } }[] };
  if (body.errors?.length || !body.data) {
    const errors = body.errors ?? [{ message: `HTTP ${res.status} with no data` }];
    throw new GraphQLRequestError(errors.map((e) => e.message).join('; '), errors.map((e) => e.extensions?.code ?? 'UNKNOWN'));
  }
  return body.data;
}

/** Fails to compile when the schema gains a member this switch does not handle. */
function unhandled(value: never): never {
  throw new Error(`unhandled result ${JSON.stringify(value)}`);
}

/** One line for one result; `switch` on __typename narrows each case to its own fields. */
function describe(result: Result): string {
  switch (result.__typename) {
    case 'D7Report': {
      const recipients = result.messages.map((m) => `${m.recipient ?? '?'} ${m.status}`).join(', ');
      return `${result.state}${result.isFinal ? ' (final)' : ''} D7 report, ${result.messages.length} recipient(s): ${recipients}`;
    }
    case 'BetatelWdr':
      return `${result.state}${result.isFinal ? ' (final)' : ''} Betatel WDR to ${result.to ?? '?'}, status ${result.status}${result.deliveredAt ? `, delivered ${result.deliveredAt}` : ''}`;
    case 'MessageNotFound':
      return `not found: ${result.message}`;
    case 'InvalidMessageId':
      return `invalid id: ${result.message}`;
    case 'InvalidArgument':
      return `invalid argument: ${result.message}`;
    case 'ProviderError':
      return `provider error ${result.code}${result.httpStatus ? ` (HTTP ${result.httpStatus})` : ''}${result.retryable ? `, retry${result.retryAfterSeconds ? ` after ${result.retryAfterSeconds}s` : ''}` : ''}: ${result.message}`;
    default:
      return unhandled(result);
  }
}

/** The sandbox ids that give one of each kind of answer. */
const SANDBOX_BATCH: MessageRef[] = [
  { provider: 'D7', id: 'f44e3f43-6d4e-4e46-becd-21993f3dcb8e' },
  { provider: 'BETATEL', id: '01JV5V54KPYK9GB29265EQRZ2P' },
  { provider: 'D7', id: 'not-a-uuid' },
  { provider: 'BETATEL', id: '00000000000000000000000404' },
  { provider: 'D7', id: '00000000-0000-4000-8000-000000000429' },
];

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const refs = args.length > 0 ? refsFromArgs(args) : SANDBOX_BATCH;
  const { messageStatuses } = await request(MessageStatusesDocument, { refs });
  // Same length and order as refs.
  messageStatuses.forEach((result, i) => {
    const ref = refs[i]!;
    process.stdout.write(`${ref.provider} ${ref.id}: ${describe(result)}\n`);
  });
}

main().catch((error: unknown) => {
  const codes = error instanceof GraphQLRequestError ? ` [${error.codes.join(', ')}]` : '';
  console.error(`request to ${endpoint} failed${codes}: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
