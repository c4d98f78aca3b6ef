// Sign-in: OpenID Connect (authorization code with PKCE) against the configured issuer, and
// in demo mode the demo persons. Tokens stay in memory (a reload signs out); only the PKCE
// verifier and state survive the redirect to the provider, in sessionStorage, and are
// removed when the provider answers.

import { ApiError, setSession } from './api.js';

/** What the sign-in page tells after a session ended on purpose (see `signOut`). */
let notice = null;

const PKCE_KEY = 'lotsennetz.oidc';

/** The app's settings: { demo, oidc: { issuer, clientId, scope } | null }. */
export async function appConfig() {
  const response = await fetch('/app/config.json');
  if (!response.ok) throw new ApiError('SERVICE_UNAVAILABLE');
  return response.json();
}

export async function demoPersons() {
  const response = await fetch('/auth/demo');
  if (!response.ok) throw new ApiError('SERVICE_UNAVAILABLE');
  return (await response.json()).persons;
}

export async function signInAsDemo(id, role) {
  const response = await fetch('/auth/demo', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ id, role }),
  });
  const body = await response.json();
  if (!response.ok) throw new Error(body.error?.message || 'Anmeldung fehlgeschlagen.');
  notice = null;
  setSession({ token: body.token, id: body.id, role: body.role, name: body.name, via: 'demo' });
}

function base64url(bytes) {
  return btoa(String.fromCharCode(...new Uint8Array(bytes))).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function randomString() {
  return base64url(crypto.getRandomValues(new Uint8Array(32)));
}

async function discover(issuer) {
  const response = await fetch(`${issuer}/.well-known/openid-configuration`);
  if (!response.ok) throw new Error('Der Anmeldedienst ist nicht erreichbar.');
  return response.json();
}

function redirectUri() {
  return `${location.origin}/`;
}

/** Sends the browser to the provider's login with a fresh PKCE challenge. */
export async function startOidc(oidc) {
  const discovery = await discover(oidc.issuer);
  const verifier = randomString();
  const state = randomString();
  const challenge = base64url(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier)));
  sessionStorage.setItem(PKCE_KEY, JSON.stringify({ verifier, state }));
  const url = new URL(discovery.authorization_endpoint);
  url.search = new URLSearchParams({
    response_type: 'code',
    client_id: oidc.clientId,
    redirect_uri: redirectUri(),
    scope: oidc.scope,
    state,
    code_challenge: challenge,
    code_challenge_method: 'S256',
  }).toString();
  location.assign(url.toString());
}

function claims(jwt) {
  const payload = jwt.split('.')[1].replace(/-/g, '+').replace(/_/g, '/');
  return JSON.parse(decodeURIComponent(escape(atob(payload))));
}

/** On return from the provider: exchanges the code for tokens. Returns whether it signed in. */
export async function finishOidc(oidc) {
  const params = new URLSearchParams(location.search);
  if (!params.has('code') && !params.has('error')) return false;
  const saved = JSON.parse(sessionStorage.getItem(PKCE_KEY) || 'null');
  sessionStorage.removeItem(PKCE_KEY);
  history.replaceState(null, '', '/');
  if (params.has('error')) throw new Error(`Anmeldung abgebrochen: ${params.get('error')}`);
  if (!saved || saved.state !== params.get('state')) throw new Error('Anmeldung ungültig (state passt nicht).');
  const discovery = await discover(oidc.issuer);
  const response = await fetch(discovery.token_endpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      code: params.get('code'),
      redirect_uri: redirectUri(),
      client_id: oidc.clientId,
      code_verifier: saved.verifier,
    }),
  });
  const tokens = await response.json();
  if (!response.ok || !tokens.access_token) throw new Error('Der Anmeldedienst hat kein Token ausgestellt.');
  const token = tokens.access_token;
  const who = claims(token);
  const name = tokens.id_token ? claims(tokens.id_token).name : undefined;
  notice = null;
  setSession({ token, id: who.sub, role: who.role, name: name || who.sub, via: 'oidc' });
  return true;
}

/** Ends the session; `message` is shown on the sign-in page until the next sign-in. */
export function signOut(message = null) {
  notice = message;
  setSession(null);
}

/** What the sign-in page tells about the session that ended, if anything. */
export function signOutNotice() {
  return notice;
}
