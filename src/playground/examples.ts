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

/** GraphiQL tabs: the project's own operations, with sandbox ids filled in. */
export function exampleTabs(): { query: string; variables: string }[] {
  return Object.entries(VARIABLES).map(([name, variables]) => ({
    query: readFileSync(new URL(`${name}.graphql`, OPERATIONS), 'utf8'),
    variables: JSON.stringify(variables, null, 2),
  }));
}
