// The Lotsennetz web app: sign-in, navigation by role and the hash router. Every page uses
// only the public GraphQL API.

import { currentSession, gql, setSession } from './api.js';
import { appConfig, demoPersons, finishOidc, signInAsDemo, signOut, signOutNotice, startOidc } from './auth.js';
import { el, failure, show } from './ui.js';
import * as lotse from './lotse.js';
import * as expert from './expert.js';
import { mapPage } from './map.js';
import { municipalityPage } from './municipality.js';
import { introductionPage, searchPage } from './search.js';

const NAV = {
  lotse: [
    ['#/', 'Empfehlungen'],
    ['#/projekte', 'Projekte'],
    ['#/kontakte', 'Kontakte'],
    ['#/suche', 'Suche'],
    ['#/karte', 'Karte'],
    ['#/profil', 'Profil'],
    ['#/daten', 'Meine Daten'],
  ],
  expert: [
    ['#/', 'Beratungsbedarf'],
    ['#/suche', 'Suche'],
    ['#/karte', 'Karte'],
    ['#/daten', 'Meine Daten'],
  ],
  admin: [['#/', 'Karte'], ['#/suche', 'Suche']],
};

const ROLE_NAMES = { lotse: 'Digitallotse', expert: 'Expertin/Experte', admin: 'Admin' };

let config = { demo: false, oidc: null };

function routes(role) {
  const common = { '#/karte': mapPage, '#/daten': lotse.myDataPage, '#/suche': searchPage };
  if (role === 'lotse') {
    return {
      ...common,
      '#/': lotse.recommendationsPage,
      '#/projekte': lotse.projectsPage,
      '#/kontakte': lotse.contactsPage,
      '#/profil': lotse.profilePage,
    };
  }
  if (role === 'expert') return { ...common, '#/': expert.advicePage };
  return { '#/': mapPage, '#/karte': mapPage, '#/suche': searchPage };
}

function renderHeader() {
  const session = currentSession();
  const nav = document.getElementById('nav');
  const who = document.getElementById('who');
  if (!session) {
    nav.replaceChildren();
    who.replaceChildren();
    return;
  }
  const here = location.hash || '#/';
  nav.replaceChildren(el('ul', {}, (NAV[session.role] || NAV.admin).map(([href, label]) =>
    el('li', {}, el('a', { href, 'aria-current': href === here ? 'page' : undefined }, label)))));
  who.replaceChildren(
    el('span', {}, `${session.name} · ${ROLE_NAMES[session.role] || session.role}`),
    el('button', { type: 'button', class: 'link', onclick: logout }, 'Abmelden'),
  );
}

function logout() {
  signOut();
  location.hash = '#/';
  render();
}

async function signInPage() {
  const parts = [el('h1', {}, 'Anmelden'),
    el('p', {}, 'Lotsennetz verbindet die Kommunalen Digitallotsen in Baden-Württemberg: Wer arbeitet an Ähnlichem? Wer hat das schon gemacht?')];
  const notice = signOutNotice();
  if (notice) parts.splice(1, 0, el('p', { class: 'note', role: 'status', id: 'signed-out' }, notice));
  if (config.oidc) {
    parts.push(el('section', { class: 'panel' }, el('h2', {}, 'Mit Ihrem Konto'),
      el('button', { type: 'button', id: 'oidc-login', onclick: () => startOidc(config.oidc).catch((e) => show(failure(e))) },
        'Anmelden mit Single Sign-on')));
  }
  if (config.demo) {
    parts.push(await demoForm());
  }
  if (!config.oidc && !config.demo) {
    parts.push(el('p', { class: 'error', role: 'alert' },
      'Es ist keine Anmeldung eingerichtet. Starten Sie den Dienst mit --demo oder --oidc-issuer.'));
  }
  show(...parts);
}

async function demoForm() {
  let persons;
  try {
    persons = await demoPersons();
  } catch (error) {
    return failure(error);
  }
  const select = el('select', { id: 'demo-person', name: 'person' }, persons.map((p) =>
    el('option', { value: `${p.role}:${p.id}` }, `${p.name} (${ROLE_NAMES[p.role] || p.role})`)));
  const other = el('input', { id: 'demo-id', name: 'id', autocomplete: 'off', placeholder: 'z. B. lotse-0042' });
  const error = el('p', { class: 'error', role: 'alert' });
  const form = el('form', { class: 'panel', id: 'demo-form' },
    el('h2', {}, 'Demo'),
    el('p', {}, 'Dieser Dienst läuft im Demo-Modus mit einem erfundenen Netzwerk.'),
    el('label', { for: 'demo-person' }, 'Demo-Person'), select,
    el('label', { for: 'demo-id' }, 'Oder Kennung einer Lotsin/eines Lotsen'), other,
    el('button', { type: 'submit' }, 'Als Demo-Person anmelden'), error);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const [role, id] = other.value.trim() ? ['lotse', other.value.trim()] : select.value.split(/:(.*)/s);
    try {
      await signInAsDemo(id, role);
      location.hash = '#/';
      render();
    } catch (e) {
      error.textContent = e.message;
    }
  });
  return form;
}

async function render() {
  renderHeader();
  const session = currentSession();
  if (!session) return signInPage();
  const hash = location.hash || '#/';
  const municipality = hash.match(/^#\/gemeinde\/(.+)$/);
  if (municipality) return municipalityPage(decodeURIComponent(municipality[1]));
  const path = hash.match(/^#\/weg\/(.+)$/);
  if (path && session.role === 'lotse') return introductionPage(session, decodeURIComponent(path[1]));
  const pageFn = routes(session.role)[hash] || routes(session.role)['#/'];
  return pageFn(session);
}

/** The person's name from the API: the provider's token carries only their id. */
async function loadName() {
  const session = currentSession();
  const field = { lotse: 'lotse', expert: 'expert' }[session.role];
  if (!field) return;
  const data = await gql(`query Me($id: ID!) { ${field}(id: $id) { name } }`, { id: session.id });
  if (data[field]) setSession({ ...session, name: data[field].name });
}

async function start() {
  try {
    config = await appConfig();
    if (config.oidc && (await finishOidc(config.oidc))) await loadName();
  } catch (error) {
    show(el('h1', {}, 'Anmelden'), failure(error));
    return;
  }
  window.addEventListener('hashchange', render);
  window.addEventListener('lotsennetz:signedout', render);
  await render();
}

start();
