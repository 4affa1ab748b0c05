// Networks (ADMIN, COMPLIANCE and NETWORK_ADMIN read; ADMIN and the network's own NETWORK_ADMIN
// edit): a drawing of the networks and their agreements, the rules editor (validated by the gateway
// against network-rules.schema.json, errors shown at their JSON path) and the agreements with both
// sides shown.
import { api, ApiError, confirmDialog, field, h, problemView, time, toast } from '../lib.js';
import { createEditor } from '../editor.js';

const SVG = 'http://www.w3.org/2000/svg';

export async function render(container, params, signal) {
  container.append(h('h1', {}, params.arg ? 'Network ' + params.arg : 'Networks'));
  let networks;
  try {
    networks = await api('GET', '/api/v1/networks');
  } catch (e) {
    container.append(problemView(e, 'see networks (ADMIN, COMPLIANCE or NETWORK_ADMIN)'));
    return;
  }
  if (signal.aborted) return;
  const byId = new Map(networks.map((n) => [n.id, n]));
  container.append(
    h('section', { class: 'card', 'aria-labelledby': 'map-title' },
      h('h2', { id: 'map-title' }, 'Networks and their agreements'),
      drawing(networks, params.arg),
      h('p', { class: 'legend' },
        h('span', { class: 'key mutual' }, 'mutual and current'), ' ',
        h('span', { class: 'key one-sided' }, 'one-sided (no data moves)'), ' ',
        h('span', { class: 'key expired' }, 'expired'))),
    h('nav', { class: 'card chips', 'aria-label': 'Networks' }, networks.map((n) =>
      h('a', { href: '#/networks/' + encodeURIComponent(n.id), 'aria-current': n.id === params.arg ? 'page' : null }, n.name || n.id))),
  );
  if (!params.arg) return;
  const network = byId.get(params.arg);
  if (!network) {
    container.append(h('p', { class: 'problem', role: 'alert' }, `No network “${params.arg}”.`));
    return;
  }
  container.append(agreementsCard(network, byId), rulesCard(network));

  function agreementsCard(n, all) {
    const now = Date.now();
    const mine = (n.rules && n.rules.agreements) || [];
    const theirs = [...all.values()].filter((o) => o.id !== n.id &&
      ((o.rules && o.rules.agreements) || []).some((a) => a.network === n.id) && !mine.some((a) => a.network === o.id));
    const current = (a) => !a || !a.expires_at || Date.parse(a.expires_at) > now;
    const rows = [
      ...mine.map((a) => {
        const other = all.get(a.network);
        const back = other && ((other.rules && other.rules.agreements) || []).find((b) => b.network === n.id);
        const status = !current(a) || (back && !current(back)) ? 'expired' : back ? 'mutual and current' : 'one-sided: only ' + n.id + ' lists it';
        return row(a.network, a, back, status, true);
      }),
      ...theirs.map((o) => row(o.id, null, o.rules.agreements.find((b) => b.network === n.id), 'one-sided: only ' + o.id + ' lists it', false)),
    ];
    const partner = h('select', { name: 'partner' }, [...all.keys()].filter((k) => k !== n.id).map((k) => h('option', { value: k }, k)));
    const purposes = h('input', { type: 'text', name: 'purposes', value: 'offers', autocomplete: 'off' });
    const out = h('div', { 'aria-live': 'polite' });
    return h('section', { class: 'card', 'aria-labelledby': 'agr-title' },
      h('h2', { id: 'agr-title' }, 'Agreements'),
      h('p', { class: 'muted' }, 'Data moves between two networks only while both list a current agreement with each other.'),
      rows.length ? h('div', { class: 'scroll' }, h('table', { class: 'agreements' },
        h('thead', {}, h('tr', {}, ['Partner', `${n.id} lists`, 'Partner lists', 'Status', ''].map((t) => h('th', { scope: 'col' }, t)))),
        h('tbody', {}, rows))) : h('p', { class: 'empty' }, 'No agreement.'),
      h('form', { class: 'row', onsubmit: add }, field('Partner network', partner), field('Purposes', purposes, 'comma separated'),
        h('button', { type: 'submit', class: 'secondary' }, 'Add or replace agreement')),
      out);

    function row(partnerId, a, back, status, removable) {
      const side = (x) => (x ? `${(x.purposes || []).join(', ') || 'all purposes'}${x.expires_at ? ' until ' + time(x.expires_at) : ''}` : '—');
      return h('tr', { class: status.startsWith('mutual') ? 'mutual' : status === 'expired' ? 'expired' : 'one-sided' },
        h('td', {}, h('a', { href: '#/networks/' + encodeURIComponent(partnerId) }, partnerId)),
        h('td', {}, side(a)), h('td', {}, side(back)), h('td', {}, status),
        h('td', {}, removable ? h('button', { type: 'button', class: 'danger', onclick: () => end(partnerId) }, 'End') : ''));
    }
    async function add(event) {
      event.preventDefault();
      try {
        await api('POST', `/api/v1/networks/${encodeURIComponent(n.id)}/agreements`, {
          network: partner.value,
          purposes: purposes.value.split(',').map((s) => s.trim()).filter(Boolean),
        });
        toast('Agreement saved');
        location.reload();
      } catch (e) {
        out.replaceChildren(problemView(e, `edit ${n.id}'s agreements`));
      }
    }
    async function end(partnerId) {
      if (!(await confirmDialog(`End the agreement with ${partnerId}?`, 'Data stops moving between the two networks from the next event.',
        { confirmLabel: 'End agreement', danger: true }))) return;
      try {
        await api('DELETE', `/api/v1/networks/${encodeURIComponent(n.id)}/agreements/${encodeURIComponent(partnerId)}`);
        location.reload();
      } catch (e) {
        out.replaceChildren(problemView(e, `edit ${n.id}'s agreements`));
      }
    }
  }

  function rulesCard(n) {
    const box = h('div', { class: 'editor' });
    const out = h('div', { id: 'rules-result', 'aria-live': 'polite' });
    const card = h('section', { class: 'card', 'aria-labelledby': 'rules-title' },
      h('h2', { id: 'rules-title' }, 'Rules'),
      h('p', { class: 'muted' }, `Version ${n.version} · updated ${time(n.updatedAt)} by ${n.updatedBy || '—'}. ` +
        'Validated against network-rules.schema.json when saved.'),
      box,
      h('button', { type: 'button', class: 'primary', id: 'save-rules', onclick: save }, 'Save rules'),
      out);
    const editor = createEditor(box, 'Network rules');
    editor.show('rules.json', JSON.stringify(n.rules || {}, null, 2));
    async function save() {
      let rules;
      try {
        rules = JSON.parse(editor.text());
      } catch (e) {
        out.replaceChildren(h('p', { class: 'problem', role: 'alert' }, 'Not JSON: ' + e.message));
        return;
      }
      try {
        const saved = await api('PUT', '/api/v1/networks/' + encodeURIComponent(n.id), { name: n.name, rules });
        out.replaceChildren(h('p', { class: 'ok-note', role: 'status' }, `Saved: version ${saved.version}.`));
      } catch (e) {
        out.replaceChildren(problemView(e, `edit ${n.id}'s rules`));
        if (e instanceof ApiError && e.status === 400) out.prepend(h('p', {}, 'Each error names its JSON path in the rules.'));
      }
    }
    return card;
  }
}

/** Networks on a circle; an arrow per agreement, solid when mutual and current. */
function drawing(networks, selected) {
  const size = 360;
  const r = 130;
  const c = size / 2;
  const svg = document.createElementNS(SVG, 'svg');
  svg.setAttribute('viewBox', `0 0 ${size} ${size}`);
  svg.setAttribute('class', 'network-map');
  svg.setAttribute('role', 'img');
  const pos = new Map(networks.map((n, i) => {
    const a = (2 * Math.PI * i) / Math.max(1, networks.length) - Math.PI / 2;
    return [n.id, { x: c + r * Math.cos(a), y: c + r * Math.sin(a) }];
  }));
  const el = (tag, attrs, text) => {
    const e = document.createElementNS(SVG, tag);
    for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
    if (text) e.textContent = text;
    svg.append(e);
    return e;
  };
  const defs = el('defs', {});
  defs.innerHTML = '<marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="currentColor"/></marker>';
  const described = [];
  const now = Date.now();
  const current = (a) => !a.expires_at || Date.parse(a.expires_at) > now;
  const drawn = new Set();
  for (const n of networks) {
    for (const a of (n.rules && n.rules.agreements) || []) {
      const other = networks.find((o) => o.id === a.network);
      if (!other || drawn.has(other.id + '|' + n.id)) continue;
      drawn.add(n.id + '|' + other.id);
      const back = ((other.rules && other.rules.agreements) || []).find((b) => b.network === n.id);
      const kind = back ? (current(a) && current(back) ? 'mutual' : 'expired') : 'one-sided';
      const p = pos.get(n.id);
      const q = pos.get(other.id);
      const dx = q.x - p.x;
      const dy = q.y - p.y;
      const len = Math.hypot(dx, dy) || 1;
      const k = 30 / len;
      const line = el('line', { x1: p.x + dx * k, y1: p.y + dy * k, x2: q.x - dx * k, y2: q.y - dy * k, class: 'edge ' + kind });
      if (kind === 'one-sided') line.setAttribute('marker-end', 'url(#arrow)');
      else { line.setAttribute('marker-end', 'url(#arrow)'); line.setAttribute('marker-start', 'url(#arrow)'); }
      described.push(`${n.id} and ${other.id}: ${kind === 'one-sided' ? 'only ' + n.id + ' lists the agreement' : kind}`);
    }
  }
  for (const n of networks) {
    const p = pos.get(n.id);
    const link = document.createElementNS(SVG, 'a');
    link.setAttribute('href', '#/networks/' + encodeURIComponent(n.id));
    const circle = document.createElementNS(SVG, 'circle');
    circle.setAttribute('cx', p.x);
    circle.setAttribute('cy', p.y);
    circle.setAttribute('r', 26);
    circle.setAttribute('class', 'node' + (n.id === selected ? ' selected' : ''));
    const label = document.createElementNS(SVG, 'text');
    label.setAttribute('x', p.x);
    label.setAttribute('y', p.y + 44);
    label.setAttribute('text-anchor', 'middle');
    label.textContent = n.id;
    link.append(circle, label);
    svg.append(link);
  }
  svg.setAttribute('aria-label', `${networks.length} networks. ` + (described.length ? described.join('; ') : 'No agreements.'));
  return svg;
}
