// Small DOM helpers: elements are built with properties and text nodes, never from HTML
// strings, so no data from the service can become markup.

/** An element with attributes (`on…` functions become listeners) and children. */
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith('on') && typeof value === 'function') node.addEventListener(key.slice(2), value);
    else if (key === 'class') node.className = value;
    else node.setAttribute(key, value === true ? '' : String(value));
  }
  append(node, children);
  return node;
}

function append(node, children) {
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

let shown = 0;

/** Replaces the page content and moves focus to the heading, for keyboard and screen readers. */
export function show(...children) {
  shown += 1;
  const main = document.getElementById('main');
  main.replaceChildren();
  append(main, children);
  const heading = main.querySelector('h1');
  if (heading) {
    heading.setAttribute('tabindex', '-1');
    heading.focus();
  }
}

export function loading(text = 'Wird geladen …') {
  return el('p', { class: 'status', role: 'status' }, text);
}

export function failure(error) {
  return el('p', { class: 'error', role: 'alert' }, error.message || String(error));
}

/** Runs `load` and shows its result, with a loading state and a German error message. A
 * page that finishes after the person moved on is dropped, not drawn over the new one. */
export async function page(title, load) {
  show(el('h1', {}, title), loading());
  const mine = shown;
  let content;
  try {
    content = await load();
  } catch (error) {
    content = failure(error);
  }
  if (mine === shown) show(el('h1', {}, title), content);
}

/** Two initials of a name, for photo-free avatars. */
export function initials(name) {
  const parts = name.replace(/^(Dr\.|Prof\.)\s+/g, '').split(/\s+/).filter(Boolean);
  const letters = parts.length > 1 ? parts[0][0] + parts[parts.length - 1][0] : (parts[0] || '?').slice(0, 2);
  return letters.toUpperCase();
}

export function avatar(name) {
  return el('span', { class: 'avatar', 'aria-hidden': 'true' }, initials(name));
}

/** A score between 0 and 1 as a labelled bar. */
export function scoreBar(score, label = 'Passung') {
  const percent = Math.round(score * 100);
  const fill = el('span', { class: 'fill' });
  fill.style.width = `${percent}%`;
  return el('div', { class: 'score' },
    el('span', { class: 'bar', role: 'img', 'aria-label': `${label} ${percent} von 100` }, fill),
    el('span', { class: 'score-text', 'aria-hidden': 'true' }, `${label} ${percent} %`));
}

export function number(value) {
  return value === null || value === undefined ? '–' : new Intl.NumberFormat('de-DE').format(value);
}

export function date(value) {
  return value ? new Date(value).toLocaleDateString('de-DE') : '–';
}

export const STATUS = { PLANNED: 'geplant', ACTIVE: 'laufend', COMPLETED: 'abgeschlossen', PAUSED: 'pausiert' };
export const ROLE = { LEAD: 'Leitung', MEMBER: 'Mitarbeit', ADVISOR: 'Beratung' };

/** A button that runs `action` once, shows progress and reports the outcome next to it. */
export function actionButton(label, action, { busy = 'Bitte warten …', done = null, cls = '' } = {}) {
  const note = el('span', { class: 'note', role: 'status' });
  const button = el('button', { type: 'button', class: cls }, label);
  button.addEventListener('click', async () => {
    button.disabled = true;
    button.textContent = busy;
    note.textContent = '';
    try {
      await action();
      button.textContent = done || label;
      if (!done) button.disabled = false;
    } catch (error) {
      button.textContent = label;
      button.disabled = false;
      note.textContent = error.message;
      note.className = 'note error';
    }
  });
  return el('span', { class: 'action' }, button, note);
}

/** A button that asks before it runs `action`: the first click shows the question with a
 * confirming and a cancelling button in its place. */
export function confirmButton(label, question, confirmLabel, action) {
  const wrap = el('span', { class: 'confirm' });
  const open = el('button', { type: 'button', class: 'secondary' }, label);
  const cancel = el('button', { type: 'button', class: 'secondary' }, 'Abbrechen');
  const ask = () => {
    wrap.replaceChildren(el('span', { role: 'status' }, question), actionButton(confirmLabel, action, { cls: 'danger' }), cancel);
    wrap.querySelector('button').focus();
  };
  open.addEventListener('click', ask);
  cancel.addEventListener('click', () => {
    wrap.replaceChildren(open);
    open.focus();
  });
  wrap.append(open);
  return wrap;
}
