// Search over the network, and the introduction paths from the signed-in Lotse to another.

import { gql } from './api.js';
import { el, page, scoreBar, show } from './ui.js';

const SEARCH = `query Search($q: String!, $kinds: [SearchKind!], $after: String) {
  search(query: $q, kinds: $kinds, first: 10, after: $after) {
    edges { node { kind snippet { field text matches { start length } }
      node { ... on Project { id title municipality { id name } } ... on Lotse { id name municipality { id name } }
        ... on Expert { id name } ... on Topic { id name } ... on Municipality { id name } } } }
    pageInfo { hasNextPage endCursor } } }`;

const PATHS = `query Paths($to: ID!) {
  lotse(id: $to) { name }
  introductionPaths(toLotseId: $to, first: 5) {
    hops strength summary steps { to { id name municipality { name } } via project { title } text } } }`;

const KINDS = [
  ['', 'Alles'],
  ['PROJECT', 'Projekte'],
  ['LOTSE', 'Lotsinnen und Lotsen'],
  ['EXPERT', 'Expertinnen und Experten'],
  ['TOPIC', 'Themen'],
  ['MUNICIPALITY', 'Gemeinden'],
];
const KIND_NAMES = { PROJECT: 'Projekt', LOTSE: 'Lotse', EXPERT: 'Expertin/Experte', TOPIC: 'Thema', MUNICIPALITY: 'Gemeinde' };
const FIELD_NAMES = { title: 'Titel', description: 'Beschreibung', name: 'Name', position: 'Funktion', topics: 'Themen' };

/** The snippet's text with its matched words in `<mark>`, built as nodes, never as HTML. */
function marked(snippet) {
  const chars = Array.from(snippet.text);
  const parts = [];
  let at = 0;
  for (const { start, length } of snippet.matches) {
    parts.push(chars.slice(at, start).join(''), el('mark', {}, chars.slice(start, start + length).join('')));
    at = start + length;
  }
  parts.push(chars.slice(at).join(''));
  return el('p', { class: 'snippet' }, el('span', { class: 'meta' }, `${FIELD_NAMES[snippet.field] || snippet.field}: `), parts);
}

function hitItem(hit, session) {
  const node = hit.node;
  const title = node.title || node.name;
  const place = node.municipality;
  const link = hit.kind === 'MUNICIPALITY' ? `#/gemeinde/${encodeURIComponent(node.id)}`
    : place ? `#/gemeinde/${encodeURIComponent(place.id)}` : null;
  const introduce = hit.kind === 'LOTSE' && session.role === 'lotse' && node.id !== session.id
    ? el('a', { href: `#/weg/${encodeURIComponent(node.id)}`, class: 'path-link' }, 'Wer kann mich vorstellen?') : null;
  return el('li', { class: 'hit', 'data-kind': hit.kind, 'data-id': node.id },
    el('p', { class: 'meta' }, KIND_NAMES[hit.kind], place ? [' · ', place.name] : ''),
    el('h2', {}, link ? el('a', { href: link }, title) : title),
    marked(hit.snippet),
    introduce);
}

export async function searchPage(session) {
  const query = el('input', { id: 's-query', name: 'q', type: 'search', required: true, autocomplete: 'off', placeholder: 'z. B. Bürgerportal, E-Akte, Glasfaser' });
  const kind = el('select', { id: 's-kind', name: 'kind' }, KINDS.map(([value, label]) => el('option', { value }, label)));
  const results = el('div', { id: 'hits', 'aria-live': 'polite' });
  const form = el('form', { class: 'filters', role: 'search', id: 'search-form' },
    el('div', {}, el('label', { for: 's-query' }, 'Suchbegriff'), query),
    el('div', {}, el('label', { for: 's-kind' }, 'Was'), kind),
    el('button', { type: 'submit' }, 'Suchen'));

  const run = async (after, list) => {
    const variables = { q: query.value, kinds: kind.value ? [kind.value] : null, after };
    const { search } = await gql(SEARCH, variables);
    const hits = search.edges.map((e) => e.node);
    list.append(...hits.map((hit) => hitItem(hit, session)));
    results.querySelector('.more')?.remove();
    if (search.pageInfo.hasNextPage) {
      const more = el('button', { type: 'button', class: 'more' }, 'Weitere Treffer');
      more.addEventListener('click', () => run(search.pageInfo.endCursor, list).catch(report));
      results.append(more);
    }
    return hits.length;
  };
  const report = (error) => results.replaceChildren(el('p', { class: 'error', role: 'alert' }, error.message));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const list = el('ol', { class: 'hits' });
    results.replaceChildren(el('p', { class: 'status', role: 'status' }, 'Wird gesucht …'));
    try {
      const count = await run(null, list);
      results.querySelector('.status')?.remove();
      results.prepend(count ? list : el('p', { class: 'note' }, 'Nichts gefunden.'));
    } catch (error) {
      report(error);
    }
  });
  show(el('h1', {}, 'Suche'),
    el('p', {}, 'Projekte, Lotsinnen und Lotsen, Expertinnen und Experten, Themen und Gemeinden. Umlaute dürfen auch als ae, oe, ue geschrieben werden; ein Wortteil findet zusammengesetzte Wörter.'),
    form, results);
}

function pathCard(path, index) {
  const via = path.steps.slice(0, -1).map((s) => s.to.name);
  const heading = via.length ? `Über ${via.join(' und ')}` : 'Sie kennen sich bereits';
  return el('article', { class: 'card path', 'data-hops': path.hops },
    el('h2', {}, `${index + 1}. ${heading}`),
    scoreBar(path.strength, 'Stärke'),
    el('ol', { class: 'steps' }, path.steps.map((s) => el('li', {}, s.text))));
}

export async function introductionPage(session, id) {
  await page('Wer kann mich vorstellen?', async () => {
    const data = await gql(PATHS, { to: id });
    const name = data.lotse ? data.lotse.name : id;
    const paths = data.introductionPaths;
    return el('div', { id: 'paths', 'data-target': id },
      el('p', {}, `Die kürzesten Wege zu ${name} über Ihre Kontakte und gemeinsame Projekte (höchstens drei Schritte).`),
      paths.length ? paths.map(pathCard)
        : el('p', { class: 'note' }, `Innerhalb von drei Schritten führt kein Weg über Ihre Kontakte und Projekte zu ${name}.`));
  });
}
