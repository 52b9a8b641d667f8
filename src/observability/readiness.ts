export type ReadinessState = 'starting' | 'ready' | 'stopping';

/** Owned by main.ts: ready once listening, not ready again once shutdown begins. */
export class Readiness {
  private current: ReadinessState = 'starting';

  get state(): ReadinessState {
    return this.current;
  }

  get isReady(): boolean {
    return this.current === 'ready';
  }

  markReady(): void {
    // Shutdown is one-way: a late listen callback must not revive a stopping server.
    if (this.current === 'starting') this.current = 'ready';
  }

  markStopping(): void {
    this.current = 'stopping';
  }
}
