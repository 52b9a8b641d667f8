import { z } from 'zod';

/** zod parsers for environment values, shared by every part of the configuration. */

// Plain decimal digits only: Number() would also take "0x10", "1e3" or " ".
export const int = (min: number, max: number) =>
  z
    .string()
    .trim()
    .regex(/^\d+$/, 'expected a whole number')
    .transform(Number)
    .pipe(z.number().min(min).max(max));
