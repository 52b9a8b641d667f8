const MASK = '*';

/**
 * Masks a phone number for callers without `pii:read`: keeps a leading `+`, the first two
 * digits (the country code, or its start) and the last two digits; every other digit becomes
 * `*`, so the length still shows. `+919061712355` → `+91********55`, `919061712355` → `91********55`.
 * Two digits are the whole country code for most of the world (+44, +91) and its start for
 * three-digit codes (+971 → `+97`): enough to tell the country family, never the subscriber.
 * Anything that is not a phone number of 5+ digits (a sender name, say) is masked whole.
 */
export function maskPhoneNumber(value: string): string {
  const match = /^(\+?)(\d{2})(\d+)(\d{2})$/.exec(value.replace(/[\s().-]/g, ''));
  if (!match) return MASK.repeat(Math.min(value.length, 12) || 1);
  const [, plus, head, middle, tail] = match;
  return `${plus}${head}${MASK.repeat(middle!.length)}${tail}`;
}
