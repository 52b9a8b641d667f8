import { describe, expect, it } from 'vitest';
import { scopesFromClaim } from '../../../src/security/authenticate.js';

describe('scopesFromClaim', () => {
  it('takes a space-separated string or an array, and drops unknown scopes', () => {
    expect([...scopesFromClaim('status:read  pii:read admin')]).toEqual(['status:read', 'pii:read']);
    expect([...scopesFromClaim(['content:read', 3, 'status:read'])]).toEqual(['content:read', 'status:read']);
    expect([...scopesFromClaim(undefined)]).toEqual([]);
    expect([...scopesFromClaim({ scope: 'status:read' })]).toEqual([]);
  });
});
