import { betatel } from './betatel/index.js';
import { d7 } from './d7/index.js';
import type { AnyProviderModule } from './provider.js';

export type { AnyProviderModule } from './provider.js';

/**
 * The providers of the real service: what createApp serves, loadConfig reads and the sandbox
 * simulates unless given another list (tests add providers of their own through createApp).
 */
export const providers: readonly AnyProviderModule[] = [d7, betatel];
