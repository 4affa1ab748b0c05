// Members (COMPLIANCE, ADMIN, and the member's network SERVICE): the consent ledger with receipts
// and history, "where my data went", export download, consent withdrawal and erasure, each with a
// confirmation.
import { api, badge, confirmDialog, field, h, problemView, time, toast } from '../lib.js';

export async function render(container, params, signal) {
  const id = params.arg;
  const input = h('input', { type: 'search', name: 'member', required: true, value: id || '', autocomplete: 'off' });
  const form = h('form', { class: 'card search', role: 'search' }, field('Member id', input),
    h('button', { type: 'submit', class: 'primary' }, 'Open member'));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    location.hash = '#/members/' + encodeURIComponent(input.value.trim());
  });
  container.append(h('h1', {}, id ? 'Member ' + id : 'Members'), form);
  if (!id) {
    input.focus();
    return;
  }
  const body = h('div', { class: 'member' });
  container.append(body);
  const base = '/api/v1/members/' + encodeURIComponent(id);

  async function show() {
    let consent;
    let activity;
    try {
      [consent, activity] = await Promise.all([api('GET', base + '/consents'), api('GET', base + '/activity?limit=200')]);
    } catch (e) {
      body.replaceChildren(problemView(e, "see this member's consent and activity"));
      return;
    }
    if (signal.aborted) return;
    body.replaceChildren(
      consentCard(consent),
      activityCard(activity),
      h('div', { class: 'grid2' }, historyCard(consent), actionsCard()),
    );
  }

  function consentCard(c) {
    const purposes = Object.entries(c.purposes || {});
    return h('section', { class: 'card', 'aria-labelledby': 'consent-title' },
      h('h2', { id: 'consent-title' }, 'Consent'),
      h('p', { class: 'muted' }, `Ledger version ${c.version}`, c.receiptId ? ` · receipt ${c.receiptId}` : '',
        c.updatedAt ? ' · updated ' + time(c.updatedAt) : '', c.gpc ? ' · Global Privacy Control: opted out of sharing with brands' : ''),
      purposes.length ? h('div', { class: 'scroll' }, h('table', { class: 'consents' },
        h('thead', {}, h('tr', {}, ['Purpose', 'Granted', 'Categories', 'Recipients', 'Networks', 'Since', 'Receipt', ''].map((t) => h('th', { scope: 'col' }, t)))),
        h('tbody', {}, purposes.map(([purpose, p]) => h('tr', { dataset: { purpose } },
          h('td', {}, h('strong', {}, purpose), h('br'), h('small', { class: 'muted' }, p.dpvPurpose || '')),
          h('td', {}, p.granted ? 'yes' : 'no'),
          h('td', {}, (p.categories || []).join(', ') || 'all'),
          h('td', {}, (p.recipients || []).join(', ') || 'any'),
          h('td', {}, (p.networks || []).join(', ') || 'any'),
          h('td', {}, time(p.grantedAt)),
          h('td', {}, h('code', {}, p.receiptId || '—')),
          h('td', {}, p.granted ? h('button', { type: 'button', class: 'danger', onclick: () => withdraw(purpose) }, 'Withdraw ' + purpose) : '')))))) :
        h('p', { class: 'empty' }, 'No consent recorded for this member.'));
  }

  function actionsCard() {
    return h('section', { class: 'card', 'aria-labelledby': 'rights-title' },
      h('h2', { id: 'rights-title' }, "Member's rights"),
      h('p', {}, 'Everything Lattice holds about the member, as JSON: consent, activity, decisions and events with their personal parts opened.'),
      h('button', { type: 'button', class: 'secondary', onclick: exportData }, 'Download export'),
      h('p', {}, 'Erasure deletes the member’s data key (crypto-shredding): every personal part sealed with it, in every topic, becomes unreadable.'),
      h('button', { type: 'button', class: 'danger', onclick: erase }, 'Erase member…'));
  }

  function historyCard(c) {
    const history = [...(c.history || [])].reverse();
    return h('section', { class: 'card', 'aria-labelledby': 'chist-title' },
      h('h2', { id: 'chist-title' }, 'Consent history'),
      history.length ? h('div', { class: 'scroll' }, h('table', {},
        h('thead', {}, h('tr', {}, ['Version', 'Action', 'Purpose', 'When', 'Receipt'].map((t) => h('th', { scope: 'col' }, t)))),
        h('tbody', {}, history.map((e) => h('tr', {}, h('td', { class: 'num' }, e.version), h('td', {}, e.action),
          h('td', {}, e.purpose || '—'), h('td', {}, time(e.at)), h('td', {}, h('code', {}, e.receiptId || '—'))))))) :
        h('p', { class: 'empty' }, 'No change recorded.'));
  }

  function activityCard(a) {
    const networks = Object.entries(a.networks || {});
    return h('section', { class: 'card', 'aria-labelledby': 'activity-title' },
      h('h2', { id: 'activity-title' }, 'Where the data went'),
      h('p', { class: 'muted' }, a.events == null ? 'also seen in other networks (not counted here)' : `${a.events} events`, a.lastSeen ? ' · last seen ' + time(a.lastSeen) : '',
        networks.length ? ' · seen in ' + networks.map(([n, at]) => `${n} (since ${time(at)})`).join(', ') : ''),
      a.decisions.length ? h('ol', { class: 'timeline' }, a.decisions.map((d) => h('li', { class: d.allow ? 'allowed' : 'denied', dataset: { eventId: d.eventId } },
        h('time', {}, time(d.decidedAt)), ' ', badge(d.allow), ' ',
        h('span', {}, `${d.eventType.replace('_', ' ')} from ${d.sourceNetwork} → ${d.destination.kind} ${d.destination.id}`),
        d.reasons.length ? h('span', { class: 'muted' }, ' · ', d.reasons.map((r) => r.code).join(', ')) : null,
        ' ', h('a', { href: '#/decisions?eventId=' + encodeURIComponent(d.eventId), 'aria-label': 'Explain decision for event ' + d.eventId }, 'why?')))) :
        h('p', { class: 'empty' }, 'No decision about this member yet.'));
  }

  async function withdraw(purpose) {
    if (!(await confirmDialog(`Withdraw ${purpose}?`,
      `Member ${id} withdraws consent for ${purpose}. It takes effect for the member’s very next event.`,
      { confirmLabel: 'Withdraw', danger: true }))) return;
    try {
      const receipt = await api('DELETE', `${base}/consents/${encodeURIComponent(purpose)}`);
      toast(`Withdrawn: receipt ${receipt.receiptId || receipt.id || ''} (${receipt.status || 'recorded'})`);
      await show();
    } catch (e) {
      body.prepend(problemView(e, "change this member's consent"));
    }
  }

  async function exportData() {
    try {
      const data = await api('GET', base + '/export');
      const url = URL.createObjectURL(new Blob([JSON.stringify(data, null, 2)], { type: 'application/json' }));
      const a = h('a', { href: url, download: `lattice-export-${id}.json` });
      document.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10000);
    } catch (e) {
      body.prepend(problemView(e, "export this member's data"));
    }
  }

  async function erase() {
    if (!(await confirmDialog(`Erase member ${id}?`,
      'This cannot be undone: the member’s data key is deleted, their personal data becomes unreadable everywhere, and their consent is forgotten. A receipt of the erasure remains.',
      { confirmLabel: 'Erase', danger: true, typed: id }))) return;
    try {
      const result = await api('POST', base + '/erasure', {});
      toast(`Erased: ${result.effect}`);
      await show();
    } catch (e) {
      body.prepend(problemView(e, 'erase this member'));
    }
  }

  await show();
}
