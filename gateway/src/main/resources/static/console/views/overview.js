// Overview: decision rate, allowed/denied, top deny reasons, quarantine, per network and brand.
// Polls GET /api/v1/overview every 3 s while the view is open.
import uPlot from 'uplot';
import { api, h, problemView } from '../lib.js';

const EVERY_MS = 3000;

export async function render(container, params, signal) {
  container.append(h('h1', {}, 'Overview'));
  const body = h('div', { class: 'overview' });
  const status = h('p', { class: 'muted', 'aria-live': 'off' });
  container.append(status, body);
  let chart = null;
  const chartBox = h('div', { class: 'chart', role: 'img', 'aria-label': 'Decisions per 10 seconds, last 15 minutes' });

  async function refresh() {
    let o;
    try {
      o = await api('GET', '/api/v1/overview?minutes=15');
    } catch (e) {
      body.replaceChildren(problemView(e, 'see the overview (ADMIN or COMPLIANCE)'));
      return false;
    }
    if (signal.aborted) return false;
    status.textContent =
      'Updated ' + new Date(o.generatedAt).toLocaleTimeString(undefined, { hour12: false }) +
      (o.caughtUp ? '' : ' · still reading the decision log');
    const total = o.allowed + o.denied;
    const pct = (n) => (total ? Math.round((100 * n) / total) : 0);
    const cards = h(
      'div',
      { class: 'cards' },
      card('Decisions / s', o.ratePerSecond.toFixed(1), 'last minute', 'rate'),
      card('Allowed', o.allowed.toLocaleString(), pct(o.allowed) + ' %', 'allowed'),
      card('Denied', o.denied.toLocaleString(), pct(o.denied) + ' %', 'denied'),
      card('Quarantined', o.quarantined.toLocaleString(), 'unreadable or invalid records', 'quarantined'),
    );
    const xs = o.series.map((b) => new Date(b.at).getTime() / 1000);
    const data = [xs, o.series.map((b) => b.allowed), o.series.map((b) => b.denied)];
    if (!chart) {
      chart = new uPlot(
        {
          width: Math.max(280, Math.min(900, container.clientWidth - 32)),
          height: 220,
          series: [
            {},
            { label: 'allowed', stroke: '#1a7f4b', fill: 'rgba(26,127,75,0.12)', width: 2 },
            { label: 'denied', stroke: '#b3261e', fill: 'rgba(179,38,30,0.10)', width: 2 },
          ],
          axes: [{}, { label: 'per 10 s' }],
        },
        data,
        chartBox,
      );
    } else {
      chart.setData(data);
    }
    body.replaceChildren(
      cards,
      h('div', { class: 'card' }, h('h2', {}, 'Decisions, last 15 minutes'), chartBox),
      h(
        'div',
        { class: 'grid2' },
        h('div', { class: 'card' }, h('h2', {}, 'Top reasons for denials'), reasons(o.topDenyReasons, o.denied)),
        h('div', { class: 'card' }, h('h2', {}, 'Quarantine by error'), reasons(o.quarantineByError, o.quarantined)),
        h('div', { class: 'card' }, h('h2', {}, 'Per network'), splits(o.networks, 'network')),
        h('div', { class: 'card' }, h('h2', {}, 'Per brand'), splits(o.brands, 'brand')),
      ),
    );
    return true;
  }

  if (await refresh()) {
    const timer = setInterval(refresh, EVERY_MS);
    signal.addEventListener('abort', () => {
      clearInterval(timer);
      if (chart) chart.destroy();
    });
  }
}

function card(title, value, sub, key) {
  return h('div', { class: 'card stat', dataset: { stat: key } },
    h('div', { class: 'stat-title' }, title),
    h('div', { class: 'stat-value' }, value),
    h('div', { class: 'muted' }, sub));
}

function reasons(list, total) {
  if (!list.length) return h('p', { class: 'muted' }, 'None yet.');
  return h(
    'table',
    { class: 'bars' },
    h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Code'), h('th', { scope: 'col' }, 'Count'), h('th', { scope: 'col' }, 'Share'))),
    h('tbody', {}, list.map((r) =>
      h('tr', {},
        h('td', {}, h('code', {}, r.code)),
        h('td', { class: 'num' }, r.count.toLocaleString()),
        h('td', {}, bar(total ? r.count / total : 0, 'no'))))),
  );
}

function splits(list, kind) {
  if (!list.length) return h('p', { class: 'muted' }, `No ${kind} destination decided yet.`);
  return h(
    'table',
    { class: 'bars' },
    h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, kind), h('th', { scope: 'col' }, 'Allowed'), h('th', { scope: 'col' }, 'Denied'), h('th', { scope: 'col' }, 'Split'))),
    h('tbody', {}, list.map((s) =>
      h('tr', {},
        h('td', {}, h('a', { href: `#/${kind === 'brand' ? 'brands' : 'networks'}/${encodeURIComponent(s.id)}` }, s.id)),
        h('td', { class: 'num' }, s.allowed.toLocaleString()),
        h('td', { class: 'num' }, s.denied.toLocaleString()),
        h('td', {}, bar(s.allowed + s.denied ? s.allowed / (s.allowed + s.denied) : 0, 'ok'))))),
  );
}

function bar(fraction, tone) {
  const pct = Math.round(fraction * 100);
  return h('span', { class: 'bar ' + tone, role: 'img', 'aria-label': pct + ' %' },
    h('span', { style: `width:${pct}%` }));
}
