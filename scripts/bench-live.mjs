// Live notifications under load: opens SUBSCRIBERS graphql-ws clients (one connection each, as
// lotse-0001 …), measures the service's resident memory before and after, then sends WRITES
// connection requests to subscribed Lotsen one after another and measures how long each took
// to reach its subscriber. Prints one JSON object.
// Usage: node bench-live.mjs BASE_URL SERVICE_PID SUBSCRIBERS WRITES (secret in
// LOTSENNETZ_JWT_SECRET, packages from LOTSENNETZ_NPM_DIR).
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { performance } from 'node:perf_hooks';

const [base, pid, subscriberCount, writeCount] = process.argv.slice(2);
const require = createRequire(path.resolve(process.env.LOTSENNETZ_NPM_DIR, 'package.json'));
const { createClient } = require('graphql-ws');
const WebSocket = require('ws');

const b64 = (value) => Buffer.from(JSON.stringify(value)).toString('base64url');
function mint(sub, role) {
  const now = Math.floor(Date.now() / 1000);
  const unsigned = `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64({ sub, role, iss: 'lotsennetz', aud: 'lotsennetz', iat: now, exp: now + 3600 })}`;
  const signature = createHmac('sha256', process.env.LOTSENNETZ_JWT_SECRET).update(unsigned).digest('base64url');
  return `${unsigned}.${signature}`;
}
const rssKiB = () => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]);
const lotse = (n) => `lotse-${String(n).padStart(4, '0')}`;
const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];

const subscribers = Number(subscriberCount);
const before = rssKiB();
const waiting = new Map(); // request id -> resolve(arrival time)
const arrived = new Map(); // request id -> arrival time, for events faster than the HTTP answer
const clients = [];
const ready = [];
for (let n = 1; n <= subscribers; n += 1) {
  const client = createClient({
    url: `${base.replace('http', 'ws')}/graphql/ws`,
    webSocketImpl: WebSocket,
    connectionParams: { Authorization: `Bearer ${mint(lotse(n), 'lotse')}` },
    retryAttempts: 0,
  });
  clients.push(client);
  client.subscribe(
    { query: 'subscription { notifications(kinds: [CONNECTION_REQUESTED]) { ... on ConnectionRequested { request { id } } } }' },
    {
      next: ({ data }) => {
        const at = performance.now();
        const id = data.notifications.request.id;
        const resolve = waiting.get(id);
        if (resolve) resolve(at);
        else arrived.set(id, at);
      },
      error: (error) => console.error('subscription error', error),
      complete: () => {},
    },
  );
  ready.push(new Promise((resolve, reject) => client.subscribe({ query: '{ __typename }' }, { next: () => {}, error: reject, complete: resolve })));
}
await Promise.all(ready);
await new Promise((resolve) => setTimeout(resolve, 1000));
const after = rssKiB();

const admin = mint('admin', 'admin');
const latencies = [];
const answered = [];
let refused = 0;
for (let k = 0; k < Number(writeCount); k += 1) {
  const to = lotse(1 + (k % subscribers));
  const from = lotse(subscribers + 1 + k);
  const query = `mutation { requestConnection(fromLotseId: "${from}", toLotseId: "${to}") { id } }`;
  const sent = performance.now();
  const response = await fetch(`${base}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${admin}` },
    body: JSON.stringify({ query }),
  });
  const answeredAt = performance.now();
  const body = await response.json();
  if (body.errors) {
    refused += 1;
    continue;
  }
  const id = body.data.requestConnection.id;
  const heard = arrived.has(id) ? arrived.get(id) : await new Promise((resolve) => waiting.set(id, resolve));
  latencies.push(heard - sent);
  answered.push(answeredAt - sent);
}
latencies.sort((a, b) => a - b);
answered.sort((a, b) => a - b);
const ms = (value) => Math.round(value * 10) / 10;
console.log(JSON.stringify({
  subscribers,
  rss_before_mib: ms(before / 1024),
  rss_after_mib: ms(after / 1024),
  rss_delta_mib: ms((after - before) / 1024),
  writes: latencies.length,
  refused_writes: refused,
  write_to_event_ms: { p50: ms(percentile(latencies, 50)), p99: ms(percentile(latencies, 99)), max: ms(latencies.at(-1)) },
  write_answered_ms: { p50: ms(percentile(answered, 50)), p99: ms(percentile(answered, 99)) },
}));
await Promise.all(clients.map((client) => client.dispose()));
process.exit(0);
