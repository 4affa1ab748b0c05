// Shared helpers of the console: the REST client (credential from session storage), DOM building,
// problem rendering and a confirmation dialog. The console holds no privileges of its own: every
// call carries the signed-in user's API key or JWT and the gateway checks it.

const CREDENTIAL = 'lattice.console.credential';

export const session = {
  get credential() {
    return sessionStorage.getItem(CREDENTIAL);
  },
  set credential(value) {
    if (value) sessionStorage.setItem(CREDENTIAL, value);
    else sessionStorage.removeItem(CREDENTIAL);
  },
  identity: null,
};

/** A JWT is three base64url parts; anything else is an API key. */
export function authHeaders(credential = session.credential) {
  if (!credential) return {};
  return /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/.test(credential)
    ? { Authorization: 'Bearer ' + credential }
    : { 'X-Api-Key': credential };
}

/** An error answer of the API: status and the RFC 9457 problem document. */
export class ApiError extends Error {
  constructor(status, problem) {
    super((problem && (problem.detail || problem.title)) || 'HTTP ' + status);
    this.status = status;
    this.problem = problem || {};
  }
}

/**
 * Calls the API. body: an object (sent as JSON), a Blob/ArrayBuffer (sent with options.contentType)
 * or undefined. Resolves to the parsed JSON (or null for an empty answer); rejects with ApiError.
 */
export async function api(method, path, body, options = {}) {
  const headers = { Accept: 'application/json, application/problem+json', ...authHeaders() };
  let payload;
  if (body instanceof Blob || body instanceof ArrayBuffer || body instanceof Uint8Array) {
    headers['Content-Type'] = options.contentType || 'application/octet-stream';
    payload = body;
  } else if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    payload = JSON.stringify(body);
  }
  const response = await fetch(path, { method, headers, body: payload, cache: 'no-store' });
  const text = await response.text();
  let json = null;
  if (text) {
    try {
      json = JSON.parse(text);
    } catch {
      json = { detail: text };
    }
  }
  if (!response.ok) {
    const error = new ApiError(response.status, json);
    if (response.status === 401 && !options.keepSession) {
      window.dispatchEvent(new CustomEvent('lattice:unauthorized', { detail: error }));
    }
    throw error;
  }
  return json;
}

/** h('div', {class: 'x', onclick: fn}, child, 'text', [more]) builds an element. */
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith('on') && typeof value === 'function') el.addEventListener(key.slice(2), value);
    else if (key === 'class') el.className = value;
    else if (key === 'dataset') Object.assign(el.dataset, value);
    else if (value === true) el.setAttribute(key, '');
    else el.setAttribute(key, value);
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children) {
    if (child === undefined || child === null || child === false) continue;
    if (Array.isArray(child)) append(el, child);
    else el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

let ids = 0;
/** A labelled form field: label + control, linked by id. */
export function field(label, control, hint) {
  const id = control.id || 'f' + ++ids;
  control.id = id;
  const hintEl = hint ? h('small', { id: id + '-hint', class: 'hint' }, hint) : null;
  if (hintEl) control.setAttribute('aria-describedby', hintEl.id);
  return h('div', { class: 'field' }, h('label', { for: id }, label), control, hintEl);
}

export function time(value) {
  if (!value) return '—';
  const date = new Date(typeof value === 'number' ? value : String(value));
  return isNaN(date) ? String(value) : date.toLocaleString(undefined, { hour12: false });
}

export function badge(allow) {
  return h('span', { class: 'badge ' + (allow ? 'ok' : 'no') }, allow ? 'Allowed' : 'Denied');
}

/** Renders an API error: the refusal of a view, or a problem with its field errors. */
export function problemView(error, what) {
  if (error instanceof ApiError && error.status === 403) {
    const roles = session.identity ? session.identity.roles.join(', ') : 'unknown';
    return h(
      'div',
      { class: 'refusal', role: 'alert' },
      h('strong', {}, 'Refused by the gateway (403). '),
      `Your credential (roles: ${roles}${scopeText()}) may not ${what || 'use this view'}. `,
      error.problem.detail ? h('span', { class: 'detail' }, error.problem.detail) : null,
    );
  }
  const errors = (error.problem && error.problem.errors) || [];
  return h(
    'div',
    { class: 'problem', role: 'alert' },
    h('strong', {}, error.status ? `${error.status} ${error.problem.title || ''}`.trim() : 'Error'),
    h('p', {}, error.message),
    errors.length
      ? h(
          'ul',
          { class: 'errors' },
          errors.map((e) => h('li', {}, h('code', {}, e.path), ' ', e.message)),
        )
      : null,
  );
}

function scopeText() {
  const id = session.identity;
  if (!id) return '';
  if (id.network) return `, network ${id.network}`;
  if (id.brand) return `, brand ${id.brand}`;
  return '';
}

export function hasRole(...roles) {
  return !!session.identity && session.identity.roles.some((r) => roles.includes(r));
}

/**
 * Asks for confirmation in a modal dialog (keyboard: Tab between buttons, Escape cancels).
 * With options.typed, the user must type that text to confirm. Resolves to true or false.
 */
export function confirmDialog(title, message, options = {}) {
  return new Promise((resolve) => {
    const input = options.typed
      ? h('input', { type: 'text', autocomplete: 'off', 'aria-label': `Type ${options.typed} to confirm` })
      : null;
    const ok = h('button', { type: 'submit', class: options.danger ? 'danger' : 'primary', value: 'ok' },
      options.confirmLabel || 'Confirm');
    const dialog = h(
      'dialog',
      { class: 'confirm', 'aria-labelledby': 'confirm-title' },
      h(
        'form',
        { method: 'dialog' },
        h('h2', { id: 'confirm-title' }, title),
        h('p', {}, message),
        input ? field(`Type “${options.typed}” to confirm`, input) : null,
        h('div', { class: 'actions' },
          h('button', { type: 'submit', value: 'cancel', class: 'secondary' }, 'Cancel'), ok),
      ),
    );
    if (input) {
      ok.disabled = true;
      input.addEventListener('input', () => (ok.disabled = input.value !== options.typed));
    }
    dialog.addEventListener('close', () => {
      const confirmed = dialog.returnValue === 'ok';
      dialog.remove();
      resolve(confirmed);
    });
    document.body.append(dialog);
    dialog.showModal();
    (input || ok).focus();
  });
}

export function toast(message) {
  const el = document.getElementById('toast');
  el.textContent = message;
  el.classList.add('show');
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => el.classList.remove('show'), 4000);
}

/** Reads a Server-Sent Events stream with fetch (EventSource cannot send the credential header). */
export async function readEventStream(path, onEvent, signal) {
  const response = await fetch(path, {
    headers: { Accept: 'text/event-stream', ...authHeaders() },
    signal,
    cache: 'no-store',
  });
  if (!response.ok) {
    let problem = null;
    try {
      problem = await response.json();
    } catch {
      /* not JSON */
    }
    throw new ApiError(response.status, problem);
  }
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += value;
    let end;
    while ((end = buffer.search(/\r?\n\r?\n/)) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end).replace(/^\r?\n\r?\n/, '');
      let event = 'message';
      const data = [];
      for (const line of block.split(/\r?\n/)) {
        if (line.startsWith('event:')) event = line.slice(6).trim();
        else if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''));
      }
      onEvent(event, data.join('\n'));
    }
  }
}
