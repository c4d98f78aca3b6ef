// The pages of a KIC@bw expert: municipalities to advise with their gaps, sortable.

import { gql } from './api.js';
import { el, number, page } from './ui.js';

export const ADVICE = `query Advice($id: ID!) {
  expert(id: $id) { name topics { name } }
  municipalitiesToAdvise(expertId: $id, first: 40) {
    score lotseCount
    municipality { id name population latitude longitude district { name } }
    gaps { topic { name } projects { id title } }
    explanation { summary }
  }
}`;

const COLUMNS = [
  ['name', 'Gemeinde', (r) => r.municipality.name],
  ['district', 'Kreis', (r) => r.municipality.district.name],
  ['gaps', 'Lücken', (r) => r.gaps.length],
  ['lotsen', 'Lotsen', (r) => r.lotseCount],
  ['score', 'Bedarf', (r) => r.score],
];

function table(rows, sort, onSort) {
  const [key, dir] = sort;
  const get = COLUMNS.find((c) => c[0] === key)[2];
  const sorted = [...rows].sort((a, b) => {
    const x = get(a);
    const y = get(b);
    return (typeof x === 'string' ? x.localeCompare(y, 'de') : x - y) * dir;
  });
  const head = el('tr', {}, COLUMNS.map(([k, label]) => el('th', {
    scope: 'col', 'aria-sort': k === key ? (dir > 0 ? 'ascending' : 'descending') : 'none',
  }, el('button', { type: 'button', class: 'link', onclick: () => onSort([k, k === key ? -dir : (k === 'name' || k === 'district' ? 1 : -1)]) }, label))));
  return el('table', { class: 'advice', id: 'advice' },
    el('caption', {}, 'Gemeinden mit Projekten in Ihren Themen ohne kundige Lotsin oder kundigen Lotsen vor Ort'),
    el('thead', {}, head),
    el('tbody', {}, sorted.map((r) => el('tr', {},
      el('th', { scope: 'row' }, el('a', { href: `#/gemeinde/${encodeURIComponent(r.municipality.id)}` }, r.municipality.name),
        el('span', { class: 'meta' }, ` ${number(r.municipality.population)} Einw.`)),
      el('td', {}, r.municipality.district.name),
      el('td', {}, el('ul', { class: 'gaps' }, r.gaps.map((g) => el('li', {}, `${g.topic.name} (${g.projects.length} ${g.projects.length === 1 ? 'Projekt' : 'Projekte'})`)))),
      el('td', {}, String(r.lotseCount)),
      el('td', {}, `${Math.round(r.score * 100)} %`)))));
}

export async function advicePage(session) {
  await page('Wo Beratung gebraucht wird', async () => {
    const data = await gql(ADVICE, { id: session.id });
    const rows = data.municipalitiesToAdvise;
    const holder = el('div', { class: 'table-wrap' });
    const draw = (sort) => holder.replaceChildren(table(rows, sort, draw));
    draw(['score', -1]);
    return [
      el('p', {}, `Ihre Themen: ${data.expert?.topics.map((t) => t.name).join(', ') || '–'}. `,
        el('a', { href: '#/karte' }, 'Auf der Karte zeigen')),
      rows.length ? holder : el('p', {}, 'In Ihrem Gebiet gibt es gerade keine Lücken.'),
    ];
  });
}
