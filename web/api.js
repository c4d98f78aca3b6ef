// The app's one way to the service: GraphQL over HTTP (POST application/json), with the
// session's token from memory. Errors become German messages by their `extensions.code`.

let session = null;

/** The signed-in person: { token, id, role, name, via } or null. Held in memory only. */
export function currentSession() {
  return session;
}

export function setSession(next) {
  session = next;
}

const MESSAGES = {
  UNAUTHENTICATED: 'Ihre Anmeldung ist abgelaufen. Bitte melden Sie sich neu an.',
  FORBIDDEN: 'Dafür fehlt Ihnen die Berechtigung.',
  NOT_FOUND: 'Das gesuchte Element gibt es nicht (mehr).',
  CONFLICT: 'Das geht gerade nicht: Es ist schon geschehen oder steht noch aus (etwa eine offene Anfrage oder Einladung).',
  BAD_USER_INPUT: 'Die Eingabe ist ungültig.',
  SERVICE_UNAVAILABLE: 'Der Dienst ist gerade nicht erreichbar. Bitte später erneut versuchen.',
  GRAPHQL_VALIDATION_FAILED: 'Die Anfrage war zu groß oder ungültig.',
};

export class ApiError extends Error {
  constructor(code, detail) {
    super(MESSAGES[code] || 'Etwas ist schiefgegangen. Bitte erneut versuchen.');
    this.code = code;
    this.detail = detail;
  }
}

/** Runs one GraphQL operation and returns its `data`; throws ApiError on any error. */
export async function gql(query, variables = {}) {
  const headers = { 'content-type': 'application/json', accept: 'application/graphql-response+json' };
  if (session) headers.authorization = `Bearer ${session.token}`;
  let response;
  try {
    response = await fetch('/graphql', { method: 'POST', headers, body: JSON.stringify({ query, variables }) });
  } catch (error) {
    throw new ApiError('NETWORK', String(error));
  }
  let body;
  try {
    body = await response.json();
  } catch {
    throw new ApiError('INTERNAL', `HTTP ${response.status}`);
  }
  if (body.errors && body.errors.length) {
    const first = body.errors[0];
    if (first.extensions?.code === 'UNAUTHENTICATED' && session) {
      // An expired or revoked token: back to the sign-in page rather than an error on every page.
      session = null;
      window.dispatchEvent(new Event('lotsennetz:signedout'));
    }
    throw new ApiError(first.extensions?.code || 'INTERNAL', first.message);
  }
  return body.data;
}
