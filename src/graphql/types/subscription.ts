import { createGraphQLError } from 'graphql-yoga';
import { acceptsEventStream } from '../../http/accept.js';
import { SubscriptionRefused, type StreamRef } from '../../subscriptions/subscription-requests.js';
import type { Builder } from '../../providers/graphql-kit.js';
import type { MessageStatusResultRef } from './message-status-result.js';
import type { LookupProblem } from '../lookup-problem.js';
import { lookupResult } from '../lookup.js';
import type { MessageRefRef } from './message-ref.js';

/** A ref that can never change: its id is invalid, or its provider is not configured here. */
function isFinalProblem(problem: LookupProblem): boolean {
  return problem.kind === 'InvalidMessageId' || problem.kind === 'InvalidArgument' || problem.failure?.code === 'NOT_CONFIGURED';
}

/** The Subscription type and `messageStatusChanged`, answering with the lookup union. */
export function defineMessageStatusChanged(builder: Builder, MessageStatusResult: MessageStatusResultRef, MessageRef: MessageRefRef) {
  builder.subscriptionType({
    description: 'Live delivery status: answers that move by themselves, over SSE or graphql-ws on /graphql.',
    // The same scope as every lookup, checked when a subscription is created (authorizeOnSubscribe),
    // so a caller without it starts nothing; fields of each event's record add their own (content, PII).
    authScopes: { statusRead: true },
  });

  builder.subscriptionFields((t) => ({
    messageStatusChanged: t.field({
      type: MessageStatusResult,
      description:
        'First the current answer for every ref (a record or a typed error, in ref order, one event each), then one event per change of any of the messages (the new record; repeated refs of one message give one event per change). It completes when every ref is final (a final state, or an error that cannot change such as InvalidMessageId), when the client goes away, or after the server maximum lifetime (SUBSCRIPTION_MAX_LIFETIME_MS). States never move backwards. Refused before anything starts: without the status:read scope (FORBIDDEN), over HTTP without Accept: text/event-stream (NOT_ACCEPTABLE, 406), more refs than MAX_BATCH_SIZE (BATCH_TOO_LARGE), more open subscriptions than MAX_SUBSCRIPTIONS_PER_CLIENT (TOO_MANY_SUBSCRIPTIONS), more watched messages than MAX_WATCHERS_PER_CLIENT for this client (CLIENT_WATCHER_LIMIT) or SUBSCRIPTION_MAX_WATCHERS in all (WATCHER_LIMIT); live mode refuses anonymous callers (UNAUTHENTICATED).',
      args: {
        refs: t.arg({ type: [MessageRef], required: true, description: 'The messages to follow.' }),
      },
      subscribe: (_root, { refs }, ctx) => {
        const streamRefs: StreamRef<LookupProblem>[] = refs.map((ref) => {
          const id = ctx.providers.byKey(ref.provider).parseId(ref.id);
          return {
            message: id === undefined ? undefined : { provider: ref.provider, id },
            initial: () => lookupResult(ctx, ref.provider, ref.id),
          };
        });
        try {
          return ctx.live.start({
            caller: ctx.caller,
            refs: streamRefs,
            maxRefs: ctx.maxBatchSize,
            isFinalProblem,
            delivery: { canStream: acceptsEventStream(ctx.request.headers.get('accept')), clientGone: ctx.request.signal },
          });
        } catch (error) {
          if (!(error instanceof SubscriptionRefused)) throw error;
          const http = error.httpStatus === undefined ? {} : { http: { status: error.httpStatus } };
          throw createGraphQLError(error.message, { extensions: { code: error.code, ...error.details, ...http } });
        }
      },
      resolve: (item) => item,
    }),
  }));
}
