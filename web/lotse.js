// The pages of a Lotse: recommended peers, similar projects, requests and contacts, profile
// and "Meine Daten".

import { gql } from './api.js';
import { actionButton, avatar, confirmButton, date, el, number, page, ROLE, scoreBar, STATUS } from './ui.js';
import { signOut } from './auth.js';

const PEERS = `query Peers($id: ID!, $filter: PeerFilter) {
  recommendPeers(lotseId: $id, first: 12, filter: $filter) {
    score distanceKm
    lotse { id name position municipality { id name population district { name } } }
    explanation { summary reasons { code text } }
  }
  lotse(id: $id) { connectionRequests(status: PENDING) { from { id } to { id } } }
}`;

const AREAS = `{ regions(first: 50) { edges { node { id name } } }
  districts(first: 100) { edges { node { id name } } } }`;

function peerCard(rec, pendingIds) {
  const p = rec.lotse;
  const m = p.municipality;
  const request = async () => {
    await gql('mutation Ask($to: ID!) { requestConnection(toLotseId: $to) { id status } }', { to: p.id });
  };
  const ask = pendingIds.has(p.id)
    ? el('p', { class: 'note' }, 'Anfrage offen')
    : actionButton('Kontakt anfragen', request, { done: 'Anfrage gesendet' });
  const card = el('article', { class: 'card peer', 'data-lotse': p.id },
    el('header', {}, avatar(p.name), el('div', {},
      el('h2', {}, p.name),
      el('p', { class: 'meta' }, [p.position, el('a', { href: `#/gemeinde/${encodeURIComponent(m.id)}` }, m.name)].filter(Boolean).map((x, i) => i ? [' · ', x] : x)),
      el('p', { class: 'meta' }, `${m.district.name} · ${number(m.population)} Einw.`, rec.distanceKm != null ? ` · ${Math.round(rec.distanceKm)} km` : ''))),
    scoreBar(rec.score),
    el('p', { class: 'explanation' }, rec.explanation.summary),
    el('ul', { class: 'reasons', 'aria-label': 'Gründe' }, rec.explanation.reasons.map((r) => el('li', {}, r.text))),
    el('div', { class: 'card-actions' }, ask, actionButton('Kein Interesse', () => dismiss(card, p), { cls: 'secondary dismiss' })));
  return card;
}

/** Dismisses the peer of a card: the card gives way to a note whose "Rückgängig" brings
 * the peer back into the recommendations and the card into its place. */
async function dismiss(card, p) {
  await gql('mutation Dismiss($id: ID!) { dismissRecommendation(lotseId: $id) { id } }', { id: p.id });
  const undo = actionButton('Rückgängig', async () => {
    await gql('mutation Undo($id: ID!) { undoDismissal(lotseId: $id) }', { id: p.id });
    notice.replaceWith(card);
    card.querySelector('button.dismiss').focus();
  }, { cls: 'secondary' });
  const notice = el('div', { class: 'dismissed', role: 'status', 'data-dismissed': p.id },
    el('p', {}, `${p.name} wird Ihnen nicht mehr empfohlen.`), undo);
  card.replaceWith(notice);
  undo.querySelector('button').focus();
}

function filterForm(areas, current, onApply) {
  const within = el('select', { id: 'f-within', name: 'within' },
    el('option', { value: '' }, 'ganz Baden-Württemberg'),
    el('optgroup', { label: 'Regionen' }, areas.regions.edges.map(({ node }) => el('option', { value: node.id }, node.name))),
    el('optgroup', { label: 'Land- und Stadtkreise' }, areas.districts.edges.map(({ node }) => el('option', { value: node.id }, node.name))));
  within.value = current.within || '';
  const distance = el('input', { id: 'f-distance', name: 'distance', type: 'number', min: '1', step: '1', inputmode: 'numeric', value: current.maxDistanceKm ?? '' });
  const size = el('select', { id: 'f-size', name: 'size' },
    el('option', { value: '' }, 'alle Größen'),
    el('option', { value: '0-5000' }, 'bis 5.000 Einwohner'),
    el('option', { value: '5000-20000' }, '5.000 bis 20.000'),
    el('option', { value: '20000-100000' }, '20.000 bis 100.000'),
    el('option', { value: '100000-' }, 'über 100.000'));
  size.value = current.size || '';
  const form = el('form', { class: 'filters', 'aria-label': 'Filter' },
    el('div', {}, el('label', { for: 'f-within' }, 'Region oder Kreis'), within),
    el('div', {}, el('label', { for: 'f-distance' }, 'Höchstens km entfernt'), distance),
    el('div', {}, el('label', { for: 'f-size' }, 'Größe der Gemeinde'), size),
    el('button', { type: 'submit' }, 'Filtern'));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    onApply({ within: within.value || undefined, maxDistanceKm: distance.value ? Number(distance.value) : undefined, size: size.value || undefined });
  });
  return form;
}

function peerFilter(state) {
  const filter = {};
  if (state.within) filter.within = state.within;
  if (state.maxDistanceKm) filter.maxDistanceKm = state.maxDistanceKm;
  if (state.size) {
    const [min, max] = state.size.split('-');
    if (min) filter.populationMin = Number(min);
    if (max) filter.populationMax = Number(max);
  }
  return filter;
}

export async function recommendationsPage(session, state = {}) {
  await page('Empfohlene Lotsinnen und Lotsen', async () => {
    const [areas, data] = await Promise.all([gql(AREAS), gql(PEERS, { id: session.id, filter: peerFilter(state) })]);
    const pending = new Set((data.lotse?.connectionRequests || []).flatMap((r) => [r.from.id, r.to.id]));
    const recs = data.recommendPeers;
    return [
      filterForm(areas, state, (next) => recommendationsPage(session, next)),
      recs.length
        ? el('div', { class: 'cards', id: 'peers' }, recs.map((r) => peerCard(r, pending)))
        : el('p', {}, 'Keine Empfehlungen für diese Filter. Versuchen Sie einen größeren Umkreis.'),
    ];
  });
}

export async function projectsPage(session) {
  await page('Wer hat das schon gemacht?', async () => {
    const data = await gql(`query Mine($id: ID!) { lotse(id: $id) { projects { role project { id title status topics { name } } } } }`, { id: session.id });
    const memberships = data.lotse?.projects || [];
    if (!memberships.length) return el('p', {}, 'Sie arbeiten noch an keinem Projekt.');
    const similar = await Promise.all(memberships.map((m) => gql(`query Similar($id: ID!) {
      similarProjects(projectId: $id, first: 5) { score project { id title status municipality { id name } } explanation { summary } }
      expertsFor(projectId: $id, first: 3) { expert { id name email organization { name } } explanation { summary } } }`, { id: m.project.id })));
    const leave = (id) => async () => {
      await gql('mutation Leave($id: ID!) { leaveProject(projectId: $id) { id } }', { id });
      await projectsPage(session);
    };
    return memberships.map((m, i) => el('section', { class: 'panel', 'data-project': m.project.id },
      el('h2', {}, m.project.title),
      el('p', { class: 'meta' }, `${ROLE[m.role]} · ${STATUS[m.project.status]} · ${m.project.topics.map((t) => t.name).join(', ')}`),
      confirmButton('Projekt verlassen', `Wirklich „${m.project.title}“ verlassen?`, 'Ja, verlassen', leave(m.project.id)),
      similar[i].similarProjects.length
        ? el('ul', { class: 'similar' }, similar[i].similarProjects.map((s) => el('li', {},
          el('strong', {}, s.project.title), ' – ',
          el('a', { href: `#/gemeinde/${encodeURIComponent(s.project.municipality.id)}` }, s.project.municipality.name),
          ` (${STATUS[s.project.status]})`, scoreBar(s.score, 'Ähnlichkeit'), el('p', { class: 'explanation' }, s.explanation.summary))))
        : el('p', {}, 'Noch keine ähnlichen Projekte in anderen Gemeinden.'),
      similar[i].expertsFor.length ? [el('h3', {}, 'Wer berät dazu?'), el('ul', { class: 'list' }, similar[i].expertsFor.map((r) => el('li', {},
        avatar(r.expert.name), el('span', {}, el('strong', {}, r.expert.name), r.expert.organization ? `, ${r.expert.organization.name}` : '',
          r.expert.email ? [' · ', el('a', { href: `mailto:${r.expert.email}` }, r.expert.email)] : '', el('br'), r.explanation.summary))))] : null));
  });
}

const CONTACTS = `query Contacts($id: ID!) { lotse(id: $id) {
  contacts { id name position email phone municipality { id name } }
  connectionRequests { id status message createdAt from { id name municipality { name } } to { id name municipality { name } } } }
  myInvitations(status: PENDING) { id role createdAt project { id title municipality { name } } invitedBy { name } } }`;

export async function contactsPage(session) {
  const reload = () => contactsPage(session);
  await page('Anfragen und Kontakte', async () => {
    const { lotse, myInvitations } = await gql(CONTACTS, { id: session.id });
    const incoming = lotse.connectionRequests.filter((r) => r.status === 'PENDING' && r.to.id === session.id);
    const outgoing = lotse.connectionRequests.filter((r) => r.status === 'PENDING' && r.from.id === session.id);
    const act = (mutation, id) => async () => {
      await gql(`mutation Act($id: ID!) { ${mutation}(id: $id) { id status } }`, { id });
      await reload();
    };
    return [
      el('section', { class: 'panel', id: 'invitations' }, el('h2', {}, 'Einladungen zu Projekten'),
        myInvitations.length ? el('ul', { class: 'list' }, myInvitations.map((i) => el('li', { 'data-project': i.project.id },
          el('span', {}, el('strong', {}, i.project.title), ` (${i.project.municipality.name}) – ${ROLE[i.role]}, eingeladen von ${i.invitedBy.name} am ${date(i.createdAt)}`),
          actionButton('Annehmen', act('acceptProjectInvitation', i.id)),
          actionButton('Ablehnen', act('declineProjectInvitation', i.id), { cls: 'secondary' }))))
          : el('p', {}, 'Keine offenen Einladungen.')),
      el('section', { class: 'panel', id: 'incoming' }, el('h2', {}, 'Eingegangene Anfragen'),
        incoming.length ? el('ul', { class: 'list' }, incoming.map((r) => el('li', { 'data-from': r.from.id },
          avatar(r.from.name), el('span', {}, el('strong', {}, r.from.name), ` (${r.from.municipality.name}), ${date(r.createdAt)}`, r.message ? ` – „${r.message}“` : ''),
          actionButton('Annehmen', act('acceptConnectionRequest', r.id)),
          actionButton('Ablehnen', act('declineConnectionRequest', r.id), { cls: 'secondary' }))))
          : el('p', {}, 'Keine offenen Anfragen.')),
      el('section', { class: 'panel', id: 'outgoing' }, el('h2', {}, 'Gesendete Anfragen'),
        outgoing.length ? el('ul', { class: 'list' }, outgoing.map((r) => el('li', { 'data-to': r.to.id },
          avatar(r.to.name), el('span', {}, el('strong', {}, r.to.name), ` (${r.to.municipality.name}), ${date(r.createdAt)}`),
          actionButton('Zurückziehen', act('withdrawConnectionRequest', r.id), { cls: 'secondary' }))))
          : el('p', {}, 'Keine offenen Anfragen.')),
      el('section', { class: 'panel', id: 'contacts' }, el('h2', {}, 'Meine Kontakte'),
        lotse.contacts.length ? el('ul', { class: 'list' }, lotse.contacts.map((c) => el('li', { 'data-contact': c.id },
          avatar(c.name), el('span', {}, el('strong', {}, c.name), c.position ? `, ${c.position}` : '', ' – ',
            el('a', { href: `#/gemeinde/${encodeURIComponent(c.municipality.id)}` }, c.municipality.name),
            c.email ? [' · ', el('a', { href: `mailto:${c.email}` }, c.email)] : '', c.phone ? ` · ${c.phone}` : ''),
          actionButton('Verbindung beenden', async () => {
            await gql('mutation End($other: ID!) { removeConnection(otherLotseId: $other) }', { other: c.id });
            await reload();
          }, { cls: 'secondary' }))))
          : el('p', {}, 'Noch keine Kontakte. Fragen Sie bei den Empfehlungen an.')),
    ];
  });
}

const VISIBILITY = {
  NETWORK: 'Netzwerk: für alle sichtbar und empfohlen',
  CONTACTS_ONLY: 'Nur Kontakte: nicht empfohlen',
  HIDDEN: 'Verborgen: nur für mich und Admins',
};

export async function profilePage(session) {
  await page('Mein Profil', async () => {
    const { lotse } = await gql(`query Me($id: ID!) { lotse(id: $id) { name position email phone visibility
      municipality { name district { name } } topics { name } } }`, { id: session.id });
    const field = (id, label, value, type = 'text') => el('div', {}, el('label', { for: id }, label),
      el('input', { id, name: id, type, value: value || '', autocomplete: 'off' }));
    const visibility = el('select', { id: 'p-visibility', name: 'visibility' },
      Object.entries(VISIBILITY).map(([value, label]) => el('option', { value }, label)));
    visibility.value = lotse.visibility;
    const note = el('p', { role: 'status', class: 'note' });
    const form = el('form', { class: 'panel', id: 'profile' },
      el('p', {}, el('strong', {}, lotse.name), ` – ${lotse.municipality.name}, ${lotse.municipality.district.name}`),
      el('p', { class: 'meta' }, `Kompetenzen: ${lotse.topics.map((t) => t.name).join(', ') || '–'}`),
      field('p-position', 'Funktion', lotse.position), field('p-email', 'E-Mail', lotse.email, 'email'),
      field('p-phone', 'Telefon', lotse.phone, 'tel'),
      el('div', {}, el('label', { for: 'p-visibility' }, 'Sichtbarkeit'), visibility),
      el('button', { type: 'submit' }, 'Speichern'), note);
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      const value = (id) => form.querySelector(`#${id}`).value.trim() || null;
      note.textContent = 'Wird gespeichert …';
      try {
        await gql('mutation Save($id: ID!, $input: UpdateLotseInput!) { updateLotse(id: $id, input: $input) { id } }', {
          id: session.id,
          input: { position: value('p-position'), email: value('p-email'), phone: value('p-phone'), visibility: visibility.value },
        });
        note.textContent = 'Gespeichert.';
      } catch (error) {
        note.textContent = error.message;
      }
    });
    return form;
  });
}

export async function myDataPage(session) {
  await page('Meine Daten', async () => {
    const download = actionButton('Alle meine Daten herunterladen (JSON)', async () => {
      const { myData } = await gql('{ myData { export } }');
      const blob = new Blob([JSON.stringify(myData.export, null, 2)], { type: 'application/json' });
      const link = el('a', { href: URL.createObjectURL(blob), download: `lotsennetz-${session.id}.json` });
      document.body.append(link);
      link.click();
      link.remove();
    }, { done: 'Heruntergeladen' });
    const confirm = el('input', { type: 'checkbox', id: 'confirm-delete' });
    const erase = actionButton('Mein Konto endgültig löschen', async () => {
      if (!confirm.checked) throw new Error('Bitte bestätigen Sie die Löschung zuerst.');
      await gql('mutation { deleteMyAccount }');
      // Told on the sign-in page, which the changed address draws.
      signOut('Ihr Konto wurde gelöscht: Alle Ihre Daten sind entfernt.');
      location.hash = '#/';
    }, { cls: 'danger' });
    return [
      el('section', { class: 'panel' }, el('h2', {}, 'Auskunft (DSGVO Art. 15)'),
        el('p', {}, 'Alles, was Lotsennetz über Sie speichert, als maschinenlesbare Datei.'), download),
      el('section', { class: 'panel' }, el('h2', {}, 'Löschen (DSGVO Art. 17)'),
        el('p', {}, 'Löscht Ihr Profil, Ihre Projektmitwirkungen, Kontakte und Anfragen. Das kann nicht rückgängig gemacht werden.'),
        el('div', { class: 'check' }, confirm, el('label', { for: 'confirm-delete' }, 'Ja, ich möchte mein Konto löschen.')), erase),
    ];
  });
}
