import { buildChildren, mark, startMock, startServer, stop } from './processes.js';
buildChildren();
const { mock, upstream } = await startMock(20, 0);
const node = process.argv[2]!;
for (const v of ['B0', 'S', 'N', 'P']) {
  const { child } = await startServer(v, upstream, { sockets: 256 }, {}, node);
  await new Promise((r) => setTimeout(r, 500));
  const m = await mark(child);
  console.log(v, (m.rss / 1048576).toFixed(0), 'MB idle');
  await stop(child);
}
mock.kill();
