// Subscribes with the graphql-ws client (graphql-transport-ws) and prints what arrives, one
// JSON line each: {"connected":true}, {"ready":true} once the operations are running,
// {"op":NAME,"next":RESULT}, {"op":NAME,"error":…}, {"op":NAME,"complete":true},
// {"closed":CODE,"reason":…}. Ends when the connection closes or standard input does.
// Usage: node live.mjs WS_URL CONNECTION_PARAMS_JSON OPERATIONS_JSON, where OPERATIONS_JSON
// is [{"name":…,"query":…,"variables":{…}}] (packages from LOTSENNETZ_NPM_DIR).
import { createRequire } from 'node:module';
import path from 'node:path';

const [url, params, operations] = process.argv.slice(2);
const require = createRequire(path.join(process.env.LOTSENNETZ_NPM_DIR, 'package.json'));
const { createClient } = require('graphql-ws');
const WebSocket = require('ws');

const print = (line) => process.stdout.write(`${JSON.stringify(line)}\n`);
const described = (error) =>
  Array.isArray(error) ? error : { code: error?.code, reason: error?.reason, message: String(error?.message ?? error) };

const client = createClient({
  url,
  webSocketImpl: WebSocket,
  connectionParams: JSON.parse(params),
  lazy: false,
  retryAttempts: 0,
  onNonLazyError: () => {},
  on: {
    connected: () => print({ connected: true }),
    closed: (event) => {
      print({ closed: event.code, reason: event.reason });
      process.exit(0);
    },
  },
});

for (const { name, query, variables } of JSON.parse(operations)) {
  client.subscribe(
    { query, variables },
    {
      next: (result) => print({ op: name, next: result }),
      error: (error) => print({ op: name, error: described(error) }),
      complete: () => print({ op: name, complete: true }),
    },
  );
}
// The server reads a connection's messages in order: once this answers, every operation
// above is running.
client.subscribe({ query: '{ __typename }' }, { next: () => {}, error: () => {}, complete: () => print({ ready: true }) });

process.stdin.on('end', () => client.dispose());
process.stdin.resume();
