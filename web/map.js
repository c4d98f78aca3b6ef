// A map of the network drawn from the stored coordinates (no tile server): every
// municipality as a dot, those with Lotsen filled, my peers and contacts (Lotsen) or the
// gaps in my area (experts) marked; a click opens the municipality.

import { gql } from './api.js';
import { ADVICE } from './expert.js';
import { el, page } from './ui.js';

const SVG = 'http://www.w3.org/2000/svg';
const WIDTH = 600;

const PAGE = `query Places($after: String) { municipalities(first: 100, after: $after) {
  pageInfo { hasNextPage endCursor }
  edges { node { id name latitude longitude lotsen(first: 1) { edges { cursor } } } } } }`;

const PEERS = `query MapPeers($id: ID!) {
  recommendPeers(lotseId: $id, first: 12) { lotse { municipality { id } } }
  lotse(id: $id) { municipality { id } contacts { municipality { id } } } }`;

async function allMunicipalities() {
  const all = [];
  let after = null;
  for (;;) {
    const { municipalities } = await gql(PAGE, { after });
    for (const { node } of municipalities.edges) if (node.latitude != null) all.push(node);
    if (!municipalities.pageInfo.hasNextPage) return all;
    after = municipalities.pageInfo.endCursor;
  }
}

/** Marks by municipality id: 'gap', 'peer', 'contact' or 'home'. */
async function marks(session) {
  const result = new Map();
  if (session.role === 'lotse') {
    const data = await gql(PEERS, { id: session.id });
    for (const r of data.recommendPeers) result.set(r.lotse.municipality.id, 'peer');
    for (const c of data.lotse.contacts) result.set(c.municipality.id, 'contact');
    result.set(data.lotse.municipality.id, 'home');
  } else if (session.role === 'expert') {
    const data = await gql(ADVICE, { id: session.id });
    for (const r of data.municipalitiesToAdvise) result.set(r.municipality.id, 'gap');
  }
  return result;
}

function svg(tag, attrs, ...children) {
  const node = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  node.append(...children);
  return node;
}

const LABEL = { gap: 'Lücke', peer: 'Empfehlung', contact: 'Kontakt', home: 'meine Gemeinde' };

function drawMap(places, marked) {
  const lats = places.map((p) => p.latitude);
  const lons = places.map((p) => p.longitude);
  const [minLat, maxLat, minLon, maxLon] = [Math.min(...lats), Math.max(...lats), Math.min(...lons), Math.max(...lons)];
  // Equirectangular projection, with longitudes shortened by the cosine of the middle latitude.
  const kx = Math.cos(((minLat + maxLat) / 2) * Math.PI / 180);
  const scale = (WIDTH - 20) / Math.max((maxLon - minLon) * kx, 1e-6);
  const height = Math.round((maxLat - minLat) * scale + 20);
  const x = (lon) => 10 + (lon - minLon) * kx * scale;
  const y = (lat) => 10 + (maxLat - lat) * scale;
  const plain = svg('g', { class: 'places', 'aria-hidden': 'true' });
  const linked = svg('g', { class: 'marked' });
  for (const p of places) {
    const mark = marked.get(p.id);
    const hasLotse = p.lotsen.edges.length > 0;
    const cls = mark || (hasLotse ? 'lotse' : 'none');
    const dot = svg('circle', { cx: x(p.longitude).toFixed(1), cy: y(p.latitude).toFixed(1), r: mark ? 5 : 2.2, class: cls, 'data-id': p.id },
      svg('title', {}, `${p.name}${mark ? ` (${LABEL[mark]})` : ''}`));
    if (mark) {
      linked.append(svg('a', { href: `#/gemeinde/${encodeURIComponent(p.id)}`, 'aria-label': `${p.name}: ${LABEL[mark]}` }, dot));
    } else {
      plain.append(dot);
    }
  }
  const map = svg('svg', { viewBox: `0 0 ${WIDTH} ${height}`, class: 'map', role: 'group', 'aria-label': 'Karte Baden-Württemberg' },
    plain, linked);
  map.addEventListener('click', (event) => {
    const id = event.target.getAttribute?.('data-id');
    if (id) location.hash = `#/gemeinde/${encodeURIComponent(id)}`;
  });
  return map;
}

function legend(role) {
  const item = (cls, text) => el('li', {}, el('span', { class: `key ${cls}`, 'aria-hidden': 'true' }), text);
  return el('ul', { class: 'legend', 'aria-label': 'Legende' },
    item('lotse', 'Gemeinde mit Lotsin/Lotse'), item('none', 'Gemeinde ohne Lotsin/Lotse'),
    role === 'lotse' ? [item('home', 'meine Gemeinde'), item('peer', 'Empfehlung'), item('contact', 'Kontakt')] : null,
    role === 'expert' ? item('gap', 'Lücke in Ihren Themen') : null);
}

export async function mapPage(session) {
  await page('Karte', async () => {
    const [places, marked] = await Promise.all([allMunicipalities(), marks(session)]);
    const withLotse = places.filter((p) => p.lotsen.edges.length).length;
    return [
      el('p', {}, `${places.length} Gemeinden, ${withLotse} davon mit Lotsin oder Lotse. Ein Klick öffnet die Gemeinde.`),
      legend(session.role),
      el('figure', { class: 'map-wrap', id: 'map' }, drawMap(places, marked)),
    ];
  });
}
