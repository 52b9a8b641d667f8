import { randomInt, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { encodeGlobalId } from '../graphql/global-id.js';
import { BETATEL_SANDBOX } from '../providers/betatel/simulator.js';
import { D7_SANDBOX } from '../providers/d7/simulator.js';

// Same depth from src/playground/ and dist/playground/: the project's operations/ folder
// (a checkout, the npm package and the container all carry it).
const OPERATIONS = new URL('../../operations/', import.meta.url);

const VARIABLES: Record<string, unknown> = {
  MessageStatuses: {
    refs: [
      { provider: 'D7', id: D7_SANDBOX.example },
      { provider: 'BETATEL', id: BETATEL_SANDBOX.example },
      { provider: 'D7', id: 'not-a-uuid' },
      { provider: 'BETATEL', id: BETATEL_SANDBOX.notFound },
      { provider: 'D7', id: D7_SANDBOX.rateLimited },
      { provider: 'BETATEL', id: '01KAZZZZZZZZZZZZZZZZZZZZZZ' },
    ],
  },
  MessageStatus: { provider: 'D7', id: D7_SANDBOX.mixed },
  D7Report: { requestId: D7_SANDBOX.example },
  BetatelWdr: { uuid: BETATEL_SANDBOX.example },
  Node: { id: encodeGlobalId('BetatelWdr', BETATEL_SANDBOX.example) },
};

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** A ULID for now (48-bit time, 80 random bits): a Betatel uuid the simulator has never seen. */
function freshUlid(): string {
  let time = Date.now();
  let head = '';
  for (let i = 0; i < 10; i += 1) {
    head = CROCKFORD[time % 32]! + head;
    time = Math.floor(time / 32);
  }
  return head + Array.from({ length: 16 }, () => CROCKFORD[randomInt(32)]).join('');
}

/**
 * The subscription tab follows ids minted when the server starts, so the simulators first see
 * them when the tab is run and their states move (a fixed id would already be final after a
 * first run). The third ref shows a typed error among them.
 */
function movingRefs() {
  return { refs: [{ provider: 'D7', id: randomUUID() }, { provider: 'BETATEL', id: freshUlid() }, { provider: 'D7', id: D7_SANDBOX.example }] };
}

/**
 * Fields a caller needs a scope for beyond `status:read` (the others are masked, not refused):
 * with no such scope, a tab selecting one would answer FORBIDDEN beside its data.
 */
const SCOPED_FIELDS: Record<string, string> = { text: 'content:read' };

/**
 * Comments out the selections of scoped fields the anonymous caller lacks, saying how to get
 * them back, so an anonymous first look (the sandbox's) runs every tab without an error.
 */
function forAnonymous(query: string, anonymousScopes: ReadonlySet<string> | undefined): string {
  if (!anonymousScopes) return query;
  return query.replace(/^(\s*)(\w+)$/gm, (line, indent: string, field: string) => {
    const scope = SCOPED_FIELDS[field];
    return scope && !anonymousScopes.has(scope) ? `${indent}# ${field}  (needs the ${scope} scope: send an API key that has it, then uncomment)` : line;
  });
}

/**
 * GraphiQL tabs: the project's own operations, with sandbox ids filled in, and the fields that
 * anonymous callers may not read commented out when anonymous access is on without their scope.
 */
export function exampleTabs(anonymousScopes?: ReadonlySet<string>): { query: string; variables: string }[] {
  return Object.entries({ ...VARIABLES, MessageStatusChanged: movingRefs() }).map(([name, variables]) => ({
    query: forAnonymous(readFileSync(new URL(`${name}.graphql`, OPERATIONS), 'utf8'), anonymousScopes),
    variables: JSON.stringify(variables, null, 2),
  }));
}
