// Decisions: search the decision log by event id or member id; each decision with its explanation
// sentence, reasons, obligations applied, consent version and receipt, and bundle revision.
import { api, badge, field, h, problemView, time } from '../lib.js';

export async function render(container, params, signal) {
  const byEvent = params.query.get('eventId');
  const byMember = params.query.get('memberId');
  const kind = h('select', { name: 'kind' },
    h('option', { value: 'eventId', selected: !byMember }, 'Event id'),
    h('option', { value: 'memberId', selected: !!byMember }, 'Member id'));
  const value = h('input', { type: 'search', name: 'q', required: true, value: byEvent || byMember || '', autocomplete: 'off' });
  const form = h('form', { class: 'card search', role: 'search' },
    field('Search by', kind), field('Id', value, 'e.g. evt-… or m-…'),
    h('button', { type: 'submit', class: 'primary' }, 'Find decisions'));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    location.hash = `#/decisions?${kind.value}=${encodeURIComponent(value.value.trim())}`;
  });
  const results = h('div', { class: 'results', 'aria-live': 'polite' });
  container.append(h('h1', {}, 'Decisions'),
    h('p', { class: 'muted' }, 'Why was something delivered, or not? Every event is decided once per destination; each decision says why.'),
    form, results);
  if (!byEvent && !byMember) {
    value.focus();
    return;
  }
  const query = byEvent ? 'eventId=' + encodeURIComponent(byEvent) : 'memberId=' + encodeURIComponent(byMember);
  let list;
  try {
    list = await api('GET', '/api/v1/decisions?' + query + '&limit=200');
  } catch (e) {
    results.replaceChildren(problemView(e, 'read the decision log (COMPLIANCE or ADMIN)'));
    return;
  }
  if (signal.aborted) return;
  if (!list.length) {
    results.replaceChildren(h('p', { class: 'empty' },
      `No decision found for ${byEvent ? 'event ' + byEvent : 'member ' + byMember}. ` +
        'Decisions are searchable for 7 days; an event still in flight may need a moment.'));
    return;
  }
  const allowed = list.filter((d) => d.allow).length;
  results.replaceChildren(
    h('p', { class: 'summary' }, `${list.length} decision${list.length === 1 ? '' : 's'}: ${allowed} allowed, ${list.length - allowed} denied.`),
    h('ol', { class: 'decisions' }, list.map(decisionItem)),
  );
}

export function decisionItem(d) {
  const obligations = d.obligations || {};
  const applied = [
    ...(obligations.redact || []).map((x) => 'redact ' + x),
    ...(obligations.pseudonymize || []).map((x) => 'pseudonymise ' + x),
    ...Object.keys(obligations.generalize || {}).map((x) => 'generalise ' + x),
  ];
  return h(
    'li',
    { class: 'decision card ' + (d.allow ? 'allowed' : 'denied'), dataset: { decisionId: d.decisionId, eventId: d.eventId } },
    h('div', { class: 'decision-head' },
      badge(d.allow),
      h('span', {}, ' ', d.eventType.replace('_', ' '), ' → ', h('strong', {}, `${d.destination.kind} ${d.destination.id}`)),
      h('span', { class: 'muted' }, ' · ', time(d.decidedAt))),
    h('p', { class: 'explanation' }, d.explanation),
    h('dl', { class: 'facts' },
      fact('Event', h('a', { href: '#/decisions?eventId=' + encodeURIComponent(d.eventId) }, d.eventId)),
      d.memberId ? fact('Member', h('a', { href: '#/members/' + encodeURIComponent(d.memberId) }, d.memberId)) : null,
      fact('From network', d.sourceNetwork),
      d.purpose ? fact('Purpose', d.purpose) : null,
      fact('Reasons', d.reasons.length ? h('ul', { class: 'reasons' }, d.reasons.map((r) => h('li', {}, h('code', {}, r.code), ' ', r.message))) : '—'),
      fact('Obligations applied', applied.length ? applied.join(', ') : 'none'),
      fact('Policy bundle', h('a', { href: '#/policies' }, d.bundleRevision)),
      fact('Consent', `version ${d.consentVersion}` + (d.consentReceiptId ? ` · receipt ${d.consentReceiptId}` : ' · no receipt')),
    ),
  );
}

function fact(term, value) {
  return [h('dt', {}, term), h('dd', {}, value)];
}
