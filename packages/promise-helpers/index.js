// The ES module face of index.cjs: one implementation, so both faces share their fakes.
import helpers from './index.cjs';

export const {
  isPromise,
  isActualPromise,
  handleMaybePromise,
  fakePromise,
  createDeferredPromise,
  iterateAsync,
  iterateAsyncVoid,
  fakeRejectPromise,
  mapMaybePromise,
  mapAsyncIterator,
  promiseLikeFinally,
  unfakePromise,
} = helpers;
