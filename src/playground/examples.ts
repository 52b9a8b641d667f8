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

/** GraphiQL tabs: the project's own operations, with sandbox ids filled in. */
export function exampleTabs(): { query: string; variables: string }[] {
  return Object.entries({ ...VARIABLES, MessageStatusChanged: movingRefs() }).map(([name, variables]) => ({
    query: readFileSync(new URL(`${name}.graphql`, OPERATIONS), 'utf8'),
    variables: JSON.stringify(variables, null, 2),
  }));
}
