// Sign-in to the web app through a real OpenID provider (the certified `oidc-provider`
// package) with authorization code + PKCE, in headless Chromium. Protocol with the test:
// writes the provider's public JWKS to JWKS_FILE, prints "ISSUER <url>", reads "APP <url>" of
// the service started with that issuer and JWKS, then signs in as Lotse LOGIN and prints a
// JSON summary. Usage: node oidc.mjs JWKS_FILE LOGIN (packages from LOTSENNETZ_NPM_DIR).
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import readline from 'node:readline';
import { pathToFileURL } from 'node:url';
import { axeViolations, check, launch, watchedPage } from './browser-support.mjs';

const [jwksFile, login] = process.argv.slice(2);
const npm = process.env.LOTSENNETZ_NPM_DIR;
const { default: Provider } = await import(pathToFileURL(path.join(npm, 'node_modules/oidc-provider/lib/index.js')));

const { privateKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
const kid = crypto.randomUUID();
const signing = { ...privateKey.export({ format: 'jwk' }), kid, alg: 'RS256', use: 'sig' };
const { kty, n, e } = signing;
fs.writeFileSync(jwksFile, JSON.stringify({ keys: [{ kty, n, e, kid, alg: 'RS256', use: 'sig' }] }));

const server = http.createServer();
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const issuer = `http://127.0.0.1:${server.address().port}`;
console.log(`ISSUER ${issuer}`);
const lines = readline.createInterface({ input: process.stdin });
const app = (await lines[Symbol.asyncIterator]().next()).value.replace(/^APP /, '').trim();
lines.close();

const provider = new Provider(issuer, {
  clients: [{
    client_id: 'lotsennetz-web', token_endpoint_auth_method: 'none', redirect_uris: [`${app}/`],
    grant_types: ['authorization_code'], response_types: ['code'],
  }],
  jwks: { keys: [signing] },
  findAccount: async (_ctx, id) => ({ accountId: id, claims: async () => ({ sub: id }) }),
  pkce: { required: () => true },
  cookies: { keys: [crypto.randomBytes(32).toString('hex')] },
  clientBasedCORS: () => true,
  features: {
    devInteractions: { enabled: true },
    resourceIndicators: {
      enabled: true,
      defaultResource: () => 'urn:lotsennetz',
      useGrantedResource: () => true,
      getResourceServerInfo: () => ({
        scope: 'api', audience: 'lotsennetz', accessTokenFormat: 'jwt', jwt: { sign: { alg: 'RS256' } },
      }),
    },
  },
  // The service reads the person's role from the `role` claim of the access token.
  extraTokenClaims: async () => ({ role: 'lotse' }),
});
server.on('request', provider.callback());

const { browser, close } = await launch();
try {
  const { page, foreign, problems } = await watchedPage(browser, [app, issuer]);
  const authorizations = [];
  const asked = [];
  page.on('request', (r) => {
    if (r.url().startsWith(`${issuer}/auth`)) authorizations.push(new URL(r.url()).searchParams);
    if (r.url() === `${app}/graphql`) asked.push(JSON.parse(r.postData()).variables.id);
  });
  await page.goto(`${app}/`);
  await (await page.waitForSelector('#oidc-login')).click();
  await page.waitForSelector('input[name="login"]');
  await page.type('input[name="login"]', login);
  await page.type('input[name="password"]', 'any');
  await Promise.all([page.waitForNavigation(), page.click('button[type="submit"]')]);
  await Promise.all([page.waitForNavigation(), page.click('button[type="submit"]')]);
  await page.waitForSelector('#peers .card', { timeout: 20000 });
  const who = await page.$eval('#who span', (s) => s.textContent);
  await page.goto(`${app}/#/profil`);
  const name = await (await page.waitForSelector('#profile strong')).evaluate((s) => s.textContent);
  check(who === `${name} · Digitallotse`, `signed in as ${login}, shown by name: ${who}, profile of ${name}`);
  await page.goto(`${app}/#/`);
  await page.waitForSelector('#peers .card');
  check(page.url() === `${app}/` || page.url() === `${app}/#/`, `code and state removed from the address: ${page.url()}`);
  check(asked.includes(login), `the app asks as the token's subject ${login}: ${asked}`);
  const auth = authorizations[0];
  check(auth && auth.get('code_challenge_method') === 'S256' && auth.get('code_challenge').length === 43, 'PKCE S256 challenge sent');
  const violations = await axeViolations(page);
  check(violations.length === 0, `axe: ${violations}`);
  check(foreign.length === 0, `requests beyond the app and its issuer: ${foreign}`);
  check(problems.length === 0, `page errors: ${problems}`);
  console.log(JSON.stringify({ who, login, cards: await page.$$eval('#peers .card', (all) => all.length) }));
} finally {
  await close();
  server.close();
}
