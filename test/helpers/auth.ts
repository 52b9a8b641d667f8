/** An API key with every scope, for tests that run in live mode (where anonymous access is off). */
export const FULL_ACCESS_KEY = 'test-full-access-key-0123456789abcdef';
export const FULL_ACCESS_ENV = { API_KEYS: `tests:${FULL_ACCESS_KEY}:status:read pii:read content:read` };
/** Every scope, for the sandbox harness's anonymous callers. */
export const ALL_SCOPES = 'status:read pii:read content:read';
