// Brands (ADMIN; BRAND for its own brand only; COMPLIANCE reads): the live stream of consented
// deliveries, subscriptions, and the noised insights as charts with the privacy budget spent.
import uPlot from 'uplot';
import { api, field, h, hasRole, problemView, readEventStream, session, time, toast } from '../lib.js';

/** streams' default daily epsilon per brand, network and UTC day (InsightSettings.defaults()). */
const DEFAULT_DAILY_EPSILON = 2.0;

export async function render(container, params, signal) {
  let id = params.arg;
  if (!id && session.identity.brand && hasRole('BRAND')) {
    location.replace('#/brands/' + encodeURIComponent(session.identity.brand));
    return;
  }
  if (!id) {
    container.append(h('h1', {}, 'Brands'));
    try {
      const brands = await api('GET', '/api/v1/brands');
      container.append(h('nav', { class: 'card chips', 'aria-label': 'Brands' },
        brands.length ? brands.map((b) => h('a', { href: '#/brands/' + encodeURIComponent(b.id) }, b.name || b.id)) : 'No brand yet.'));
    } catch (e) {
      container.append(problemView(e, 'list brands (ADMIN or COMPLIANCE)'));
    }
    return;
  }
  container.append(h('h1', {}, 'Brand ' + id));
  const base = '/api/v1/brands/' + encodeURIComponent(id);
  let brand;
  try {
    brand = await api('GET', base);
  } catch (e) {
    container.append(problemView(e, `see brand ${id}`));
    return;
  }
  if (signal.aborted) return;
  const deliveries = h('tbody', {});
  const streamStatus = h('p', { class: 'muted', id: 'stream-status', role: 'status' }, 'Connecting…');
  const subscriptions = h('div', {});
  const insights = h('div', {});
  container.append(
    h('p', { class: 'muted' }, `${brand.name} · registered ${time(brand.createdAt)}`),
    h('section', { class: 'card', 'aria-labelledby': 'live-title' },
      h('h2', { id: 'live-title' }, 'Live deliveries'),
      h('p', { class: 'muted' }, 'Consented offer deliveries as they happen. Members appear under a pseudonym for this brand.'),
      streamStatus,
      h('div', { class: 'scroll' }, h('table', { class: 'deliveries' },
        h('thead', {}, h('tr', {}, ['When', 'Offer', 'Category', 'Network', 'Member (pseudonym)', 'Headline'].map((t) => h('th', { scope: 'col' }, t)))),
        deliveries))),
    h('div', { class: 'grid2' }, subscriptions, insights),
  );
  showSubscriptions(brand);
  showInsights();
  stream();

  async function stream() {
    const controller = new AbortController();
    signal.addEventListener('abort', () => controller.abort());
    let count = 0;
    try {
      await readEventStream(base + '/deliveries', (event, data) => {
        if (event === 'ready') streamStatus.textContent = 'Connected: waiting for deliveries…';
        if (event !== 'delivery') return;
        const d = JSON.parse(data);
        count++;
        streamStatus.textContent = `Connected: ${count} deliver${count === 1 ? 'y' : 'ies'} since opened.`;
        deliveries.prepend(h('tr', { class: 'fresh', dataset: { offerId: d.offer_id } },
          h('td', {}, time(d.delivered_at)), h('td', {}, h('code', {}, d.offer_id)), h('td', {}, d.category),
          h('td', {}, d.network), h('td', {}, h('code', {}, d.member_id)),
          h('td', {}, (d.creative && (d.creative.headline || d.creative.title)) || '')));
        while (deliveries.children.length > 200) deliveries.lastChild.remove();
      }, controller.signal);
      if (!signal.aborted) streamStatus.textContent = 'The stream ended; reopen the view to reconnect.';
    } catch (e) {
      if (signal.aborted) return;
      streamStatus.replaceChildren(problemView(e, `watch brand ${id}'s deliveries`));
    }
  }

  function showSubscriptions(b) {
    const networks = h('input', { type: 'text', name: 'sub-networks', autocomplete: 'off', placeholder: 'ski-club, book-circle' });
    const categories = h('input', { type: 'text', name: 'sub-categories', autocomplete: 'off', placeholder: 'outdoor' });
    const out = h('div', { 'aria-live': 'polite' });
    const list = (s) => s.split(',').map((x) => x.trim()).filter(Boolean);
    subscriptions.replaceChildren(h('section', { class: 'card', 'aria-labelledby': 'subs-title' },
      h('h2', { id: 'subs-title' }, 'Subscriptions'),
      b.subscriptions.length ? h('ul', { class: 'plain' }, b.subscriptions.map((s) => h('li', {},
        `networks: ${(s.networks || []).join(', ') || 'all'} · categories: ${(s.categories || []).join(', ') || 'all'} `,
        h('button', { type: 'button', class: 'link', onclick: () => remove(s.id) }, 'Remove')))) :
        h('p', { class: 'muted' }, 'No subscription: the stream carries deliveries from every network.'),
      h('form', { class: 'row', onsubmit: add }, field('Networks', networks, 'comma separated; empty = all'),
        field('Offer categories', categories, 'empty = all'), h('button', { type: 'submit', class: 'secondary' }, 'Subscribe')),
      out));
    async function add(event) {
      event.preventDefault();
      try {
        showSubscriptions(await api('POST', base + '/subscriptions', { networks: list(networks.value), categories: list(categories.value) }));
        toast('Subscribed; reopen the live view to apply it to the stream');
      } catch (e) {
        out.replaceChildren(problemView(e, `change brand ${id}'s subscriptions`));
      }
    }
    async function remove(subscription) {
      try {
        showSubscriptions(await api('DELETE', `${base}/subscriptions/${encodeURIComponent(subscription)}`));
      } catch (e) {
        out.replaceChildren(problemView(e, `change brand ${id}'s subscriptions`));
      }
    }
  }

  async function showInsights() {
    let records;
    try {
      records = await api('GET', base + '/insights?limit=2000');
    } catch (e) {
      insights.replaceChildren(problemView(e, `see brand ${id}'s insights`));
      return;
    }
    const card = h('section', { class: 'card', 'aria-labelledby': 'ins-title' }, h('h2', { id: 'ins-title' }, 'Insights'),
      h('p', { class: 'muted' }, 'Differentially private counts (noised, k-anonymous) per network and window. Each released value spends privacy budget (ε).'));
    insights.replaceChildren(card);
    if (!records.length) {
      card.append(h('p', { class: 'empty' }, 'No insight released yet: windows are released after they close.'));
      return;
    }
    const at = (v) => (typeof v === 'number' ? v : Date.parse(v));
    const metrics = [...new Set(records.map((r) => r.metric))].sort();
    const networks = [...new Set(records.map((r) => r.network))].sort();
    for (const metric of metrics) {
      const rows = records.filter((r) => r.metric === metric);
      const xs = [...new Set(rows.map((r) => at(r.window_start)))].sort((a, b) => a - b);
      const series = networks.map((n) => xs.map((x) => rows.filter((r) => r.network === n && at(r.window_start) === x)
        .reduce((sum, r) => sum + r.noisy_count, 0) || null));
      const box = h('div', { class: 'chart', role: 'img', 'aria-label': `${metric} per window and network` });
      card.append(h('h3', {}, metric), box);
      new uPlot({
        width: Math.max(260, Math.min(560, card.clientWidth - 32)), height: 200,
        series: [{}, ...networks.map((n, i) => ({ label: n, stroke: palette(i), width: 2, points: { show: true } }))],
        axes: [{}, { label: 'noisy count' }],
      }, [xs.map((x) => x / 1000), ...series], box);
    }
    const today = new Date().toISOString().slice(0, 10);
    const spent = {};
    for (const r of records) {
      if (new Date(at(r.window_start)).toISOString().slice(0, 10) === today) spent[r.network] = (spent[r.network] || 0) + (r.epsilon || 0);
    }
    card.append(h('h3', {}, 'Privacy budget today (UTC)'), h('table', {},
      h('thead', {}, h('tr', {}, ['Network', 'ε spent', `ε left of ${DEFAULT_DAILY_EPSILON}`].map((t) => h('th', { scope: 'col' }, t)))),
      h('tbody', {}, networks.map((n) => h('tr', {}, h('td', {}, n), h('td', { class: 'num' }, (spent[n] || 0).toFixed(2)),
        h('td', { class: 'num' }, Math.max(0, DEFAULT_DAILY_EPSILON - (spent[n] || 0)).toFixed(2)))))),
      h('p', { class: 'muted' }, `Budget left assumes the default daily ε of ${DEFAULT_DAILY_EPSILON} per brand and network.`));
  }
}

function palette(i) {
  return ['#1f5fa8', '#c25e00', '#1a7f4b', '#7b3fa0', '#b3261e', '#00838f'][i % 6];
}
