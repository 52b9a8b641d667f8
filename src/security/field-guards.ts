import { maskPhoneNumber } from './mask.js';

/**
 * Field options for a phone number: callers with `pii:read` get it as is, others get it
 * masked (maskPhoneNumber) rather than an error, so a status query works at any scope.
 */
export function phoneNumberGuard<Parent>(value: (parent: Parent) => string | null | undefined) {
  return {
    authScopes: { piiRead: true },
    unauthorizedResolver: (parent: Parent) => {
      const raw = value(parent);
      return raw === null || raw === undefined ? null : maskPhoneNumber(raw);
    },
  } as const;
}
