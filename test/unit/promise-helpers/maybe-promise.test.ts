import { createRequire } from 'node:module';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as helpers from '../../../packages/promise-helpers/index.js';

// packages/promise-helpers stands in for @whatwg-node/promise-helpers 1.3 (a workspace of package.json).
// Its contract is 1.3's: a chain of maybe-promises gives the value or error the same chain of
// real promises gives, synchronously when nothing on the path taken was a real promise.

/** What a callback or an input gives: a plain value or throw, a real promise, or a fake one. */
type Step = { kind: 'value' | 'throw' | 'resolved' | 'rejected' | 'fakeResolved' | 'fakeRejected'; v: number };
const step: fc.Arbitrary<Step> = fc.record({ kind: fc.constantFrom('value', 'throw', 'resolved', 'rejected', 'fakeResolved', 'fakeRejected'), v: fc.integer() });

class Failure extends Error {
  constructor(readonly v: number) {
    super(`failure ${v}`);
  }
}

function give(s: Step): unknown {
  switch (s.kind) {
    case 'value':
      return s.v;
    case 'throw':
      throw new Failure(s.v);
    case 'resolved':
      return Promise.resolve(s.v);
    case 'rejected':
      return Promise.reject(new Failure(s.v));
    case 'fakeResolved':
      return helpers.fakePromise(s.v);
    case 'fakeRejected':
      return helpers.fakeRejectPromise(new Failure(s.v));
  }
}

type Outcome = { sync: boolean; ok: boolean; v: number };
const outcomeOf = (s: Step): Outcome => ({ sync: s.kind !== 'resolved' && s.kind !== 'rejected', ok: s.kind === 'value' || s.kind === 'resolved' || s.kind === 'fakeResolved', v: s.v });

/** Runs `call` and tells what it gave: synchronously or not, a value or an error. */
async function observe(call: () => unknown): Promise<Outcome> {
  let result: unknown;
  try {
    result = call();
  } catch (error) {
    return { sync: true, ok: false, v: (error as Failure).v };
  }
  if (!helpers.isPromise(result)) return { sync: true, ok: true, v: result as number };
  // Whatever is not plain must be a real promise (fakes are unwrapped before they are handed back).
  expect(result).toBeInstanceOf(Promise);
  try {
    return { sync: false, ok: true, v: (await result) as number };
  } catch (error) {
    return { sync: false, ok: false, v: (error as Failure).v };
  }
}

describe('handleMaybePromise', () => {
  it('gives what the same chain of real promises gives, synchronously when the path taken had no real promise (property)', async () => {
    await fc.assert(
      fc.asyncProperty(step, step, fc.option(step, { nil: undefined }), async (input, success, failure) => {
        const seen: string[] = [];
        const got = await observe(() =>
          helpers.handleMaybePromise(
            () => give(input),
            () => (seen.push('success'), give(success)),
            failure && (() => (seen.push('failure'), give(failure))),
          ),
        );
        const first = outcomeOf(input);
        let want: Outcome;
        if (first.ok) want = { ...outcomeOf(success), sync: first.sync && outcomeOf(success).sync };
        else if (failure) want = { ...outcomeOf(failure), sync: first.sync && outcomeOf(failure).sync };
        else want = first;
        expect(got).toEqual(want);
        // One callback at most, and a failing success callback is not handed to the failure one.
        expect(seen).toEqual(first.ok ? ['success'] : failure ? ['failure'] : []);
      }),
      { numRuns: 400 },
    );
  });

  it('mapMaybePromise maps a value or a promise alike', async () => {
    expect(helpers.mapMaybePromise(2, (v) => v * 3)).toBe(6);
    await expect(helpers.mapMaybePromise(Promise.resolve(2), (v) => v * 3)).resolves.toBe(6);
    expect(helpers.mapMaybePromise(helpers.fakeRejectPromise<number>(new Failure(1)), (v) => v, (e: Failure) => e.v + 10)).toBe(11);
  });

  it('without a success callback hands the value back as it is (1.3: then(undefined, onError))', async () => {
    const noSuccess = undefined as unknown as (v: number) => number;
    expect(helpers.handleMaybePromise(() => 5, noSuccess)).toBe(5);
    expect(helpers.mapMaybePromise(5, noSuccess)).toBe(5);
    expect(helpers.handleMaybePromise(() => helpers.fakePromise(6), noSuccess)).toBe(6);
    await expect(helpers.handleMaybePromise(() => Promise.resolve(7), noSuccess)).resolves.toBe(7);
    expect(helpers.handleMaybePromise(() => helpers.fakeRejectPromise<number>(new Failure(2)), noSuccess, (e: Failure) => e.v)).toBe(2);
  });

  it('an input whose then cannot be read (a throwing getter, a revoked proxy) is the failure callback\'s, as in 1.3', () => {
    const unreadable = () => ({
      get then(): unknown {
        throw new Failure(3);
      },
    });
    const revoked = () => {
      const { proxy, revoke } = Proxy.revocable({}, {});
      revoke();
      return proxy;
    };
    const onError = (e: unknown) => (e instanceof Failure ? e.v : (e as Error).name);
    expect(helpers.handleMaybePromise(unreadable, () => 0, onError)).toBe(3);
    expect(helpers.mapMaybePromise(unreadable(), () => 0, onError)).toBe(3);
    expect(helpers.handleMaybePromise(revoked, () => 0, onError)).toBe('TypeError');
    // No failure callback: thrown, synchronously.
    expect(() => helpers.handleMaybePromise(unreadable, () => 0)).toThrow(Failure);
  });

  it('with a cleanup step: it runs once, after the value, which it does not change', async () => {
    const order: string[] = [];
    const sync = helpers.handleMaybePromise(
      () => 1,
      (v) => (order.push('value'), v + 1),
      undefined,
      () => void order.push('cleanup'),
    );
    expect(sync).toBe(2);
    expect(order).toEqual(['value', 'cleanup']);
    const later = helpers.handleMaybePromise(
      () => Promise.resolve(1),
      (v) => v + 1,
      undefined,
      () => void order.push('cleanup'),
    );
    await expect(later).resolves.toBe(2);
    expect(() =>
      helpers.handleMaybePromise(
        () => {
          throw new Failure(7);
        },
        (v) => v,
        undefined,
        () => void order.push('cleanup'),
      ),
    ).toThrow(Failure);
    expect(order).toEqual(['value', 'cleanup', 'cleanup', 'cleanup']);
  });
});

describe('fake promises', () => {
  it('unwrap to their value or throw their error; anything else is handed back as it is', () => {
    expect(helpers.unfakePromise(helpers.fakePromise(5))).toBe(5);
    expect(() => helpers.unfakePromise(helpers.fakeRejectPromise(new Failure(3)))).toThrow(Failure);
    const real = Promise.resolve(1);
    expect(helpers.unfakePromise(real)).toBe(real);
    expect(helpers.fakePromise(real)).toBe(real);
  });

  it('chain synchronously: then, catch and finally', () => {
    const calls: string[] = [];
    const p = helpers
      .fakePromise(1)
      .then((v) => v + 1)
      .catch(() => 0)
      .finally(() => void calls.push('finally'));
    expect(helpers.unfakePromise(p)).toBe(2);
    const r = helpers
      .fakeRejectPromise<number>(new Failure(4))
      .then((v) => v + 1)
      .finally(() => void calls.push('finally'))
      .catch((e: Failure) => e.v * 10);
    expect(helpers.unfakePromise(r)).toBe(40);
    expect(calls).toEqual(['finally', 'finally']);
    expect(Object.prototype.toString.call(helpers.fakePromise(1))).toBe('[object Promise]');
  });

  it('give a thenable without catch or finally those two', async () => {
    const thenable = { then: (ok: (v: number) => unknown) => Promise.resolve(9).then(ok) };
    const wrapped = helpers.fakePromise(thenable as PromiseLike<number>);
    await expect(wrapped.then((v) => v + 1)).resolves.toBe(10);
    await expect(Promise.resolve(wrapped.catch(() => 0))).resolves.toBe(9);
    const cleaned: string[] = [];
    await expect(Promise.resolve(wrapped.finally(() => void cleaned.push('x')))).resolves.toBe(9);
    expect(cleaned).toEqual(['x']);
  });
});

describe('iterateAsync', () => {
  it('calls each item in order, keeps the truthy results, stops at endEarly or the first failure; synchronous while every step is (property)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(step, { maxLength: 8 }), fc.option(fc.nat(8), { nil: undefined }), fc.boolean(), async (steps, stopAt, asArray) => {
        const results: unknown[] = [];
        const called: number[] = [];
        const got = await observe(() =>
          // An array is walked by index, any other iterable by its iterator.
          helpers.iterateAsync(asArray ? steps : steps.values(), (s, endEarly, index) => {
            called.push(index);
            if (index === stopAt) endEarly();
            return give(s);
          }, results),
        );
        // The model: walk the steps as a chain of awaits would.
        const want: { called: number[]; results: unknown[]; sync: boolean; ok: boolean; v?: number } = { called: [], results: [], sync: true, ok: true };
        for (const [index, s] of steps.entries()) {
          want.called.push(index);
          const o = outcomeOf(s);
          want.sync &&= o.sync;
          if (!o.ok) {
            want.ok = false;
            want.v = o.v;
            break;
          }
          if (o.v) want.results.push(o.v);
          if (index === stopAt) break;
        }
        expect(called).toEqual(want.called);
        expect(results).toEqual(want.results);
        expect(got.sync).toBe(want.sync);
        expect(got.ok).toBe(want.ok);
        if (!want.ok) expect(got.v).toBe(want.v);
        else expect(got.v).toBeUndefined();
      }),
      { numRuns: 400 },
    );
  });

  it('a thenable that calls back twice runs no item twice (1.3 walks one iterator)', async () => {
    for (const later of [false, true]) {
      const called: number[] = [];
      const results: string[] = [];
      // Calls onFulfilled twice: at once, then again (synchronously, or once the walk waits on item 1).
      const twice: PromiseLike<string> = {
        then(onFulfilled) {
          void onFulfilled?.('a' as never);
          if (later) void Promise.resolve().then(() => onFulfilled?.('b' as never));
          else void onFulfilled?.('b' as never);
          return undefined as never;
        },
      };
      await helpers.iterateAsync(
        [0, 1, 2],
        (item) => {
          called.push(item);
          // A hand-written thenable, as a plugin hook might return (the types ask for a Promise).
          if (item === 0) return twice as Promise<string>;
          return later && item === 1 ? new Promise<undefined>((resolve) => setTimeout(resolve, 5)) : undefined;
        },
        results,
      );
      await new Promise((resolve) => setTimeout(resolve, 10));
      expect(called, later ? 'later' : 'at once').toEqual([0, 1, 2]);
      expect(results).toEqual(['a', 'b']);
    }
  });

  it('an endEarly called later by an earlier item stops nothing', async () => {
    let kept: (() => void) | undefined;
    const called: number[] = [];
    await helpers.iterateAsync([0, 1, 2], (item, endEarly) => {
      called.push(item);
      if (item === 0) kept = endEarly;
      if (item === 1) kept!();
      return item === 0 ? Promise.resolve() : undefined;
    });
    expect(called).toEqual([0, 1, 2]);
  });
});

describe('mapAsyncIterator', () => {
  async function* numbers(n: number, failAt?: number) {
    for (let i = 0; i < n; i += 1) {
      if (i === failAt) throw new Failure(i);
      yield i;
    }
  }

  it('maps each value, runs onEnd once at the end, and maps a failure of the source to one last value', async () => {
    let ends = 0;
    const mapped = helpers.mapAsyncIterator(numbers(3), (v) => v * 2, undefined, () => void (ends += 1));
    const seen: number[] = [];
    for await (const v of mapped) seen.push(v);
    expect(seen).toEqual([0, 2, 4]);
    await mapped.return!();
    expect(ends).toBe(1);

    const failing = helpers.mapAsyncIterator(numbers(3, 1), (v) => Promise.resolve(v + 1), (e: Failure) => -e.v);
    await expect(failing.next()).resolves.toEqual({ value: 1, done: false });
    await expect(failing.next()).resolves.toEqual({ value: -1, done: false });
  });

  it('a failing onNext closes the source and rejects with that failure', async () => {
    let closed = false;
    const source: AsyncIterator<number> = {
      next: () => Promise.resolve({ value: 1, done: false }),
      return: () => {
        closed = true;
        return Promise.resolve({ value: undefined, done: true });
      },
    };
    const mapped = helpers.mapAsyncIterator(source, () => {
      throw new Failure(8);
    });
    await expect(mapped.next()).rejects.toBeInstanceOf(Failure);
    expect(closed).toBe(true);
  });

  it('return without a source return ends at once; throw without either rejects', async () => {
    const source: AsyncIterator<number> = { next: () => Promise.resolve({ value: 1, done: false }) };
    const mapped = helpers.mapAsyncIterator(source, (v) => v);
    await expect(Promise.resolve(mapped.return!())).resolves.toEqual({ value: undefined, done: true });
    await expect(Promise.resolve(mapped.throw!(new Failure(2)))).rejects.toBeInstanceOf(Failure);
  });
});

describe('the installed copy', () => {
  it('is this one wherever graphql-yoga, envelop and the whatwg-node server look it up (npm links the workspace wherever ^1 is asked for)', () => {
    const ours = createRequire(import.meta.url)('../../../packages/promise-helpers/index.cjs') as typeof helpers;
    for (const from of ['graphql-yoga', '@envelop/core', '@whatwg-node/server']) {
      const requireFrom = createRequire(createRequire(import.meta.url).resolve(from));
      expect((requireFrom('@whatwg-node/promise-helpers') as typeof helpers).handleMaybePromise, from).toBe(ours.handleMaybePromise);
    }
  });
});
