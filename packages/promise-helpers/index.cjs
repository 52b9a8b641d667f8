'use strict';
/*
 * The API of @whatwg-node/promise-helpers 1.3, as graphql-yoga 5, envelop 5 and whatwg-node's
 * server call it on every request: "maybe promises", values that are either plain or a promise,
 * handled synchronously while nothing is asynchronous. A workspace of the root package.json, so npm
 * links it wherever `^1` of the upstream package is asked for.
 *
 * Why our own: 1.3 builds a chain of fake promises (object literals with their own closures) for
 * every step, even a synchronous one: 42% of the bytes a cached answer allocated (README.md has
 * the figures). Here a synchronous step calls its callbacks directly and allocates nothing of its
 * own; fake promises, where a caller asks for one, share one prototype. The results are 1.3's:
 * the same value or the same thrown error, synchronously exactly where 1.3 is synchronous
 * (test/unit/promise-helpers/ holds the properties).
 */

// The brand of 1.3's fake promises (Symbol.for): a fake made by any copy unwraps in any other.
const kFake = Symbol.for('@whatwg-node/promise-helpers/FakePromise');

/** Anything with a `then`, as 1.3 decides it (not only functions). */
function isPromise(value) {
  return value?.then != null;
}

/** A promise with `catch` and `finally` too: a native one, or a fake one. */
function isActualPromise(value) {
  return Boolean(value && value.then && value.catch && value.finally);
}

/** `callback(value)` as a fake promise: its result, or what it threw as a rejection (both fakes' then). */
function fakeResult(callback, value) {
  try {
    return fakePromise(callback(value));
  } catch (error) {
    return new FakeRejected(error);
  }
}

/** A settled value dressed as a promise: `then` runs its callback at once. */
class FakeResolved {
  constructor(value) {
    this.__fakePromiseValue = value;
    this[kFake] = 'resolved';
  }
  then(onFulfilled) {
    return onFulfilled ? fakeResult(onFulfilled, this.__fakePromiseValue) : this;
  }
  catch() {
    return this;
  }
  finally(onFinally) {
    if (!onFinally) return this;
    const value = this.__fakePromiseValue;
    try {
      // As 1.3: the callback's own failure, once awaited, does not replace the value.
      return fakePromise(onFinally()).then(
        () => value,
        () => value,
      );
    } catch (error) {
      return new FakeRejected(error);
    }
  }
  get [Symbol.toStringTag]() {
    return 'Promise';
  }
}

/** A thrown error dressed as a rejected promise. */
class FakeRejected {
  constructor(error) {
    this.__fakeRejectError = error;
    this[kFake] = 'rejected';
  }
  then(_onFulfilled, onRejected) {
    return this.catch(onRejected);
  }
  catch(onRejected) {
    return onRejected ? fakeResult(onRejected, this.__fakeRejectError) : this;
  }
  finally(onFinally) {
    if (!onFinally) return this;
    try {
      onFinally();
    } catch (error) {
      return new FakeRejected(error);
    }
    return this;
  }
  get [Symbol.toStringTag]() {
    return 'Promise';
  }
}

/** A thenable without `catch` or `finally`, given them. */
class ThenableWrapper {
  constructor(thenable) {
    this.thenable = thenable;
  }
  then(onFulfilled, onRejected) {
    return fakePromise(this.thenable.then(onFulfilled, onRejected));
  }
  catch(onRejected) {
    return fakePromise(this.thenable.then((value) => value, onRejected));
  }
  finally(onFinally) {
    return fakePromise(onFinally ? promiseLikeFinally(this.thenable, onFinally) : this.thenable);
  }
  get [Symbol.toStringTag]() {
    return 'Promise';
  }
}

/** `value` as something with then/catch/finally: itself when it already is one. */
function fakePromise(value) {
  if (value && isActualPromise(value)) return value;
  if (isPromise(value)) return new ThenableWrapper(value);
  return new FakeResolved(value);
}

function fakeRejectPromise(error) {
  return new FakeRejected(error);
}

/** The value a fake promise holds (or its error, thrown); anything else as it is. */
function unfakePromise(promise) {
  const brand = promise?.[kFake];
  if (brand === 'resolved') return promise.__fakePromiseValue;
  if (brand === 'rejected') throw promise.__fakeRejectError;
  return promise;
}

/** A callback's result as 1.3 hands it back: plain values and fakes unwrapped, promises kept. */
function settled(output) {
  return isPromise(output) ? unfakePromise(fakePromise(output)) : output;
}

/** A failure before any promise: `onError`'s result, or thrown again when there is none. */
function failed(error, onError) {
  if (!onError) throw error;
  return settled(onError(error));
}

/**
 * `input` passed to `onSuccess`, or its failure to `onError`: synchronously when `input` is not
 * a promise. A throw of `onSuccess` is not `onError`'s (as with `then(onSuccess, onError)`).
 */
function mapInput(input, onSuccess, onError) {
  let promise;
  try {
    // 1.3 looks at the input inside its try: a `then` getter that throws (a revoked proxy) is onError's.
    if (isPromise(input)) promise = fakePromise(input);
  } catch (error) {
    return failed(error, onError);
  }
  // No `onSuccess` (1.3's `then(undefined)`): the value as it is.
  if (!promise) return onSuccess ? settled(onSuccess(input)) : input;
  return unfakePromise(promise.then(onSuccess, onError));
}

function handleMaybePromise(inputFactory, onSuccess, onError, onFinally) {
  // With a cleanup step, 1.3's own chain (rare: not on the per-request path we measured).
  if (onFinally) {
    return unfakePromise(fakePromise().then(inputFactory).then(onSuccess, onError).finally(onFinally));
  }
  let input;
  try {
    input = inputFactory(undefined);
  } catch (error) {
    return failed(error, onError);
  }
  return mapInput(input, onSuccess, onError);
}

/** Deprecated in 1.3, still called by envelop 5 and yoga's plugins. */
function mapMaybePromise(input, onSuccess, onError) {
  return mapInput(input, onSuccess, onError);
}

function createDeferredPromise() {
  if (Promise.withResolvers) return Promise.withResolvers();
  let resolve;
  let reject;
  // The executor runs before the constructor returns: both are set below.
  const promise = new Promise((ok, fail) => {
    resolve = ok;
    reject = fail;
  });
  return { promise, resolve, reject };
}

/**
 * Calls `callback` on each item in turn; an item whose callback returns a promise makes the rest
 * wait for it. Truthy results go into `results`; `endEarly()` stops after the current item.
 * Undefined when every callback returned a plain value: a loop, not a chain of promises.
 */
function iterateAsync(iterable, callback, results) {
  if (iterable?.length === 0) return undefined;
  // An array (the hooks of every plugin, on every request) is walked by index: no iterator results.
  if (Array.isArray(iterable)) return walk(iterable, undefined, 0, callback, results, undefined);
  return walk(undefined, iterable[Symbol.iterator](), 0, callback, results, undefined);
}

/**
 * iterateAsync from item `index` on (of `array`, else of `iterator`); no closure of its own until a
 * step waits. From the first wait on, `rest` holds the position every resumption shares, as 1.3's
 * one iterator and counter do: a thenable that calls back twice resumes where the walk is, running
 * no item twice.
 */
function walk(array, iterator, index, callback, results, rest) {
  for (;;) {
    if (rest) index = rest.index;
    let item;
    if (array) {
      if (index >= array.length) {
        // Done stays done, as with an array iterator, should the array grow.
        if (rest) rest.index = Infinity;
        return undefined;
      }
      item = array[index];
    } else {
      const next = iterator.next();
      if (next.done) return undefined;
      item = next.value;
    }
    const at = index;
    index += 1;
    if (rest) rest.index = index;
    // One flag per item, as in 1.3: an `endEarly` kept by an earlier callback stops nothing later.
    let endedEarly = false;
    const outcome = callback(item, () => (endedEarly = true), at);
    let result = outcome;
    if (isPromise(outcome)) {
      if (outcome[kFake] !== 'resolved') {
        const shared = rest || { index };
        return unfakePromise(
          fakePromise(outcome).then((value) => {
            if (value) results?.push(value);
            return endedEarly ? undefined : walk(array, iterator, shared.index, callback, results, shared);
          }),
        );
      }
      result = outcome.__fakePromiseValue;
    }
    if (result) results?.push(result);
    if (endedEarly) return undefined;
  }
}

function promiseLikeFinally(value, onFinally) {
  if ('finally' in value) return value.finally(onFinally);
  return value.then(
    (result) => {
      const cleanup = onFinally();
      return isPromise(cleanup) ? cleanup.then(() => result) : result;
    },
    (error) => {
      const cleanup = onFinally();
      if (!isPromise(cleanup)) throw error;
      return cleanup.then(() => {
        throw error;
      });
    },
  );
}

const iteratorResult = (value) => ({ value, done: false });

/**
 * An async iterator whose values are `onNext` of `source`'s; `onError` maps a failure of the
 * source to one last value, `onEnd` runs once when it ends (done, or returned early). A failing
 * `onNext` or `onError` closes the source (its `return`) and rejects with that failure.
 */
function mapAsyncIterator(source, onNext, onError, onEnd) {
  const iterator = Symbol.asyncIterator in source ? source[Symbol.asyncIterator]() : source;
  const sourceReturn = typeof iterator.return === 'function' ? iterator.return : undefined;
  const closeAndThrow = sourceReturn
    ? (error) => {
        const rethrow = () => {
          throw error;
        };
        return sourceReturn.call(iterator).then(rethrow, rethrow);
      }
    : undefined;
  // `onEnd` once; every caller after the first gets the first's outcome.
  let ended;
  const endWith = onEnd ? (value) => (ended ||= handleMaybePromise(onEnd, () => value, () => value)) : undefined;
  const mapResult = (result) => {
    if (result.done) return endWith ? endWith(result) : result;
    return mapInput(result.value, (value) => handleMaybePromise(() => onNext(value), iteratorResult, closeAndThrow));
  };
  let mapFailure;
  if (onError) {
    let failed;
    mapFailure = (error) => (failed ||= mapInput(error, (reason) => handleMaybePromise(() => onError(reason), iteratorResult, closeAndThrow)));
  }
  return {
    next() {
      return iterator.next().then(mapResult, mapFailure);
    },
    return() {
      const done = sourceReturn ? sourceReturn.call(iterator).then(mapResult, mapFailure) : fakePromise({ value: undefined, done: true });
      return endWith ? done.then(endWith) : done;
    },
    throw(error) {
      if (typeof iterator.throw === 'function') return iterator.throw(error).then(mapResult, mapFailure);
      if (closeAndThrow) return closeAndThrow(error);
      return fakeRejectPromise(error);
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  };
}

module.exports = {
  isPromise,
  isActualPromise,
  handleMaybePromise,
  fakePromise,
  createDeferredPromise,
  iterateAsync,
  iterateAsyncVoid: iterateAsync,
  fakeRejectPromise,
  mapMaybePromise,
  mapAsyncIterator,
  promiseLikeFinally,
  unfakePromise,
};
