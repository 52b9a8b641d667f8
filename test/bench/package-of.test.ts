import { describe, expect, it } from 'vitest';
import { packageOf } from '../../bench/profile-summary.js';

describe('packageOf: where a profiled function lives', () => {
  it('names a dependency, our own folder, a linked package of ours, Node internals and V8 pseudo-nodes', () => {
    expect(packageOf('file:///app/node_modules/graphql-yoga/node_modules/@whatwg-node/server/esm/x.js', 'f')).toBe('@whatwg-node/server');
    expect(packageOf('file:///app/node_modules/undici/lib/core.js', 'f')).toBe('undici');
    expect(packageOf('file:///app/bench/out/src/lookup/loader.js', 'f')).toBe('src/lookup');
    // npm links packages/promise-helpers into node_modules; Node reports the real path.
    expect(packageOf('file:///app/packages/promise-helpers/index.cjs', 'walk')).toBe('packages/promise-helpers');
    expect(packageOf('node:internal/streams/writable', 'f')).toBe('node (internals)');
    expect(packageOf('', '(garbage collector)')).toBe('(garbage collector)');
    expect(packageOf('', 'then')).toBe('(native)');
  });
});
