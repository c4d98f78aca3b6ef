// A municipality: its Lotsen, projects and the experts recommended for it.

import { gql } from './api.js';
import { avatar, el, number, page, scoreBar, STATUS } from './ui.js';

const MUNICIPALITY = `query Municipality($id: ID!) {
  municipality(id: $id) { id name kind population ags district { name region { name } }
    lotsen(first: 50) { edges { node { id name position } } }
    projects(first: 50) { edges { node { id title status topics { name } } } } }
  expertsFor(municipalityId: $id, first: 5) {
    score expert { id name email organization { name } } explanation { summary } }
}`;

export async function municipalityPage(id) {
  await page('Gemeinde', async () => {
    const data = await gql(MUNICIPALITY, { id });
    const m = data.municipality;
    if (!m) return el('p', { class: 'error', role: 'alert' }, 'Diese Gemeinde gibt es nicht.');
    const lotsen = m.lotsen.edges.map((e) => e.node);
    const projects = m.projects.edges.map((e) => e.node);
    return el('div', { class: 'municipality', 'data-id': m.id },
      el('h2', {}, m.name),
      el('p', { class: 'meta' }, `${m.district.name}, ${m.district.region.name} · ${number(m.population)} Einwohner`, m.ags ? ` · AGS ${m.ags}` : ''),
      el('section', { class: 'panel' }, el('h3', {}, `Lotsinnen und Lotsen (${lotsen.length})`),
        lotsen.length ? el('ul', { class: 'list' }, lotsen.map((l) => el('li', {}, avatar(l.name), el('span', {}, l.name, l.position ? `, ${l.position}` : ''))))
          : el('p', {}, 'Hier gibt es noch keine Lotsin und keinen Lotsen.')),
      el('section', { class: 'panel' }, el('h3', {}, `Projekte (${projects.length})`),
        projects.length ? el('ul', {}, projects.map((p) => el('li', {}, el('strong', {}, p.title), ` – ${STATUS[p.status]}; ${p.topics.map((t) => t.name).join(', ')}`)))
          : el('p', {}, 'Keine Projekte erfasst.')),
      el('section', { class: 'panel' }, el('h3', {}, 'Passende Expertinnen und Experten'),
        data.expertsFor.length ? el('ul', { class: 'list' }, data.expertsFor.map((r) => el('li', {},
          avatar(r.expert.name), el('div', {}, el('strong', {}, r.expert.name), r.expert.organization ? `, ${r.expert.organization.name}` : '',
            scoreBar(r.score), el('p', { class: 'explanation' }, r.explanation.summary)))))
          : el('p', {}, 'Keine Empfehlung.')));
  });
}
