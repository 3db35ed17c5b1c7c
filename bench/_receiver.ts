/**
 * Bench peer (child process): an HTTP receiver that answers 200 at once and reports, over IPC, how many
 * requests it got and when the first and last arrived.
 */
import { createServer } from 'node:http';
import { AddressInfo } from 'node:net';

let count = 0;
let first = 0;
let last = 0;
const server = createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    const now = Date.now();
    if (!count) first = now;
    count++;
    last = now;
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.end('ok');
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => process.send?.({ port: (server.address() as AddressInfo).port }));
process.on('message', (msg: string) => {
  if (msg === 'stats') process.send?.({ count, first, last });
  if (msg === 'reset') {
    count = first = last = 0;
    process.send?.({ ok: true });
  }
});
