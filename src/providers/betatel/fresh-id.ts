import { randomInt } from 'node:crypto';

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** A ULID for now (48-bit time, 80 random bits): a Betatel uuid the simulator has never seen. */
export function freshUlid(): string {
  let time = Date.now();
  let head = '';
  for (let i = 0; i < 10; i += 1) {
    head = CROCKFORD[time % 32]! + head;
    time = Math.floor(time / 32);
  }
  return head + Array.from({ length: 16 }, () => CROCKFORD[randomInt(32)]).join('');
}
