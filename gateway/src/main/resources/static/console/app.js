// The Lattice console: sign-in, navigation and the router. Each view lives in views/<name>.js and
// exports render(container, params, signal); a view's work stops when the signal aborts.
import { api, ApiError, field, h, session } from './lib.js';

const VIEWS = {
  overview: () => import('./views/overview.js'),
  policies: () => import('./views/policies.js'),
  decisions: () => import('./views/decisions.js'),
  members: () => import('./views/members.js'),
  networks: () => import('./views/networks.js'),
  brands: () => import('./views/brands.js'),
};

const main = document.getElementById('main');
let current = null;

window.addEventListener('lattice:unauthorized', () => {
  signOut('Your credential was refused (401): it is unknown, revoked or expired. Sign in again.');
});
document.getElementById('sign-out').addEventListener('click', () => signOut());
window.addEventListener('hashchange', route);

start();

async function start() {
  if (session.credential) {
    try {
      await identify();
    } catch (e) {
      return signOut(e instanceof ApiError ? 'Sign in again: ' + e.message : String(e));
    }
  }
  route();
}

async function identify() {
  session.identity = await api('GET', '/api/v1/me', undefined, { keepSession: true });
  const id = session.identity;
  const scope = id.network ? ` · network ${id.network}` : id.brand ? ` · brand ${id.brand}` : '';
  document.getElementById('who-text').textContent = `${id.name} · ${id.roles.join(', ')}${scope}`;
  document.getElementById('who').hidden = false;
  document.getElementById('nav').hidden = false;
}

function signOut(message) {
  session.credential = null;
  session.identity = null;
  document.getElementById('who').hidden = true;
  document.getElementById('nav').hidden = true;
  if (current) current.abort();
  current = null;
  showSignIn(message);
}

function showSignIn(message) {
  const input = h('input', {
    type: 'password',
    name: 'credential',
    autocomplete: 'off',
    required: true,
    spellcheck: 'false',
  });
  const error = h('p', { class: 'problem', role: 'alert', hidden: !message }, message || '');
  const form = h(
    'form',
    { class: 'card sign-in', 'aria-labelledby': 'sign-in-title' },
    h('h1', { id: 'sign-in-title' }, 'Sign in to Lattice'),
    h(
      'p',
      {},
      'Use an API key or a JWT. It is kept in this tab only (session storage): never in a cookie or a URL, ' +
        'and the console can do exactly what the key may do.',
    ),
    field('API key or JWT', input),
    error,
    h('button', { type: 'submit', class: 'primary' }, 'Sign in'),
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    session.credential = input.value.trim();
    try {
      await identify();
      if (!location.hash || location.hash === '#/' || location.hash === '#/sign-in') location.hash = defaultView();
      else route();
    } catch (e) {
      session.credential = null;
      error.hidden = false;
      error.textContent =
        e instanceof ApiError && e.status === 401
          ? 'This key or token is not accepted (401). Check it and try again.'
          : 'Sign-in failed: ' + e.message;
    }
  });
  main.replaceChildren(form);
  input.focus();
}

function defaultView() {
  const roles = session.identity.roles;
  if (roles.includes('ADMIN') || roles.includes('COMPLIANCE')) return '#/overview';
  if (roles.includes('BRAND')) return '#/brands/' + encodeURIComponent(session.identity.brand);
  if (roles.includes('NETWORK_ADMIN')) return '#/networks/' + encodeURIComponent(session.identity.network);
  return '#/members';
}

/** #/view/arg?query → the view's module, with {arg, query}. */
async function route() {
  if (!session.identity) return showSignIn();
  const hash = location.hash.replace(/^#\/?/, '');
  if (!hash) {
    location.replace(defaultView());
    return;
  }
  const [pathPart, queryPart] = hash.split('?');
  const [name, ...rest] = pathPart.split('/');
  const load = VIEWS[name];
  for (const link of document.querySelectorAll('#nav a')) {
    if (link.dataset.view === name) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
  if (current) current.abort();
  current = new AbortController();
  const signal = current.signal;
  if (!load) {
    main.replaceChildren(h('p', { class: 'problem' }, `No view named “${name}”.`));
    return;
  }
  const container = h('section', { class: 'view', 'data-view': name });
  main.replaceChildren(container);
  try {
    const view = await load();
    if (signal.aborted) return;
    await view.render(container, {
      arg: rest.map(decodeURIComponent).join('/'),
      query: new URLSearchParams(queryPart || ''),
    }, signal);
  } catch (e) {
    if (signal.aborted) return;
    console.error(e);
    container.append(h('p', { class: 'problem', role: 'alert' }, 'This view failed: ' + e.message));
  }
  main.focus({ preventScroll: true });
}
