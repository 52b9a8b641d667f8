import { z } from 'zod';
import type { AreaSettings } from '../env-values.js';

/** Variables of persisted documents (collected by src/config.ts). */
export const persistedEnv = {
  PERSISTED_DOCUMENTS: z.enum(['off', 'allow', 'require']).default('allow'),
  PERSISTED_DOCUMENTS_MANIFEST: z.string().min(1).optional(),
};

/**
 * off: no persisted documents; only query text.
 * allow: a persisted document id or any query text.
 * require: a persisted document id; query text only for the federation router's own
 * operations (see isRouterOperation).
 */
export type PersistedDocumentsMode = 'off' | 'allow' | 'require';

export interface PersistedDocumentsSettings {
  mode: PersistedDocumentsMode;
  /** Path of the manifest (id → document); undefined: the project's own, written by `npm run codegen`. */
  manifestPath: string | undefined;
}

// Loose on purpose: when one of these variables failed to parse, they are raw strings (checked all the same).
type PersistedValues = Partial<Record<keyof typeof persistedEnv, unknown>>;

/** From the variables, parsed or (when one failed) raw; the sandbox is for exploring (GraphiQL sends query text), so it never refuses query text. */
export function persistedSettings(values: PersistedValues, mode: 'sandbox' | 'live'): AreaSettings<PersistedDocumentsSettings> {
  const problems = values.PERSISTED_DOCUMENTS === 'require' && mode === 'sandbox' ? ['PERSISTED_DOCUMENTS: "require" needs live mode; the sandbox accepts any operation'] : [];
  return {
    settings: {
      mode: (values.PERSISTED_DOCUMENTS ?? 'allow') as PersistedDocumentsMode,
      manifestPath: typeof values.PERSISTED_DOCUMENTS_MANIFEST === 'string' ? values.PERSISTED_DOCUMENTS_MANIFEST : undefined,
    },
    problems,
  };
}
