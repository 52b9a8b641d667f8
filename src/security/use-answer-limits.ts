import type { ExecutionResult } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { resultTooLarge, type AnswerMeter } from './answer-meter.js';
import { jsonBytesUpTo, responseTooLarge } from './answer-size.js';
import { countResultItems, type StaticCount } from './result-count.js';

export interface AnswerLimits {
  maxResultItems: number;
  maxResponseBytes: number;
}

/** What this plugin reads from the request's context (GraphQLContext has it). */
interface MeteredContext {
  answer?: AnswerMeter;
  maxBatchSize: number;
  maxEntityRepresentations: number;
}

const isAsyncIterable = (value: unknown): value is AsyncIterable<unknown> => typeof value === 'object' && value !== null && Symbol.asyncIterator in value;

/**
 * Bounds what one operation may answer, in items and in bytes, on every transport (HTTP JSON,
 * SSE, graphql-ws through yoga.fetch: each passes execution here, before serialization).
 *
 * - Items: counted from the document and its variables before anything runs (RESULT_TOO_LARGE,
 *   no lookup sent), then D7 messages as their lists resolve (AnswerMeter.list).
 * - Bytes: an upper bound kept while the items resolve (each record's size bound, walked once per
 *   record object, times the aliases that could repeat it, plus the document's keys per object); only when that bound
 *   passes MAX_RESPONSE_BYTES is the result measured, and the measure stops at the limit, so
 *   no string is built and a normal answer is not walked at all (RESPONSE_TOO_LARGE).
 * Subscription events are measured one by one (they are few; their items are one record each).
 */
export function useAnswerLimits(limits: AnswerLimits): Plugin {
  const { maxResultItems, maxResponseBytes } = limits;
  const checkBytes = (result: ExecutionResult): ExecutionResult | undefined => {
    const counted = jsonBytesUpTo(result, maxResponseBytes);
    return counted > maxResponseBytes ? { errors: [responseTooLarge(maxResponseBytes, counted)] } : undefined;
  };
  return {
    onExecute({ args, setResultAndStopExecution }) {
      const context = args.contextValue as unknown as MeteredContext;
      const meter = context.answer;
      if (!meter) return;
      const count = countResultItems(args.document, args.operationName, args.variableValues as Record<string, unknown> | undefined, context);
      if (count.items > maxResultItems) {
        setResultAndStopExecution({ errors: [resultTooLarge(maxResultItems, count.items)] });
        return;
      }
      meter.arm(maxResultItems, count.items);
      return {
        onExecuteDone({ result, setResult }) {
          if (isAsyncIterable(result)) return;
          if (meter.refused) return setResult({ errors: [meter.refused] });
          if (count.exact || boundOf(result, meter, count) > maxResponseBytes) {
            const replaced = checkBytes(result);
            if (replaced) setResult(replaced);
          }
        },
      };
    },
    onSubscribe() {
      return {
        onSubscribeResult() {
          return {
            onNext({ result, setResult }) {
              const replaced = checkBytes(result);
              if (replaced) setResult(replaced);
            },
          };
        },
      };
    },
  };
}

/**
 * An upper bound of the answer's serialized bytes, from what the meter saw: each value at most
 * twice its record's size plus constants (global ids, dates), repeated at most once per alias,
 * and each object's keys at most all the document's keys.
 */
function boundOf(result: ExecutionResult, meter: AnswerMeter, count: StaticCount): number {
  let bound = (2 * meter.valueBytes + 256 * meter.items) * (1 + count.aliases) + (count.items + meter.objects + 1) * count.keyBytes + 64;
  // An error: its message, its path (response keys, at most the document's), locations and a small extensions object.
  for (const error of result.errors ?? []) bound += 6 * error.message.length + count.keyBytes + 2048;
  return bound;
}
