// Runs the GraphQL-over-HTTP audit of the graphql-http package against a running service and
// prints the results as JSON. Usage: node audit.mjs URL TOKEN (packages from LOTSENNETZ_NPM_DIR).
import { createRequire } from 'node:module';
import path from 'node:path';

const [url, token] = process.argv.slice(2);
const require = createRequire(path.join(process.env.LOTSENNETZ_NPM_DIR, 'package.json'));
const { auditServer } = require('graphql-http');

// The audit has no header option: every request it makes carries the token this way.
const fetchFn = (input, init = {}) => {
  const headers = new Headers(init.headers);
  headers.set('authorization', `Bearer ${token}`);
  return fetch(input, { ...init, headers });
};

const results = await auditServer({ url, fetchFn });
console.log(JSON.stringify(results.map(({ id, name, status, reason }) => ({ id, name, status, reason }))));
