// Policies (COMPLIANCE, ADMIN): the active revision and its history; edit a bundle's modules in the
// browser (compile errors inline at line:col), run its Rego tests, upload it as a draft; simulate an
// input; replay recent traffic; activate and roll back with a confirmation.
import { api, ApiError, confirmDialog, field, h, problemView, time, toast } from '../lib.js';
import { createEditor } from '../editor.js';
import { tarGz } from '../tar.js';

const EXAMPLE_INPUT = {
  event: {
    id: 'evt-sim-1', type: 'offer', purpose: 'offers', source_network: 'ski-club', member_id: 'm-42',
    brand_id: 'acme-outdoor', category: 'outdoor', sku: 'SKI-001', payload: { title: '20% off skis' }, fields: {},
  },
  consent: {
    member_id: 'm-42', version: 7, receipt_id: 'rcpt-7', gpc: false,
    purposes: {
      offers: {
        granted: true, categories: ['outdoor'], recipients: ['acme-outdoor'], networks: [], legal_basis: 'consent',
        granted_at: '2026-01-01T00:00:00Z', expires_at: null, source: 'api',
      },
    },
  },
  source_network: 'ski-club',
  destination: { kind: 'network', id: 'ski-club' },
  context: { now: '2026-11-23T10:00:01Z', counters: { member_offers_24h: 0, member_brand_offers_24h: 0 }, purchases: [] },
};

/** "lattice/extra.rego:4:11: rego_parse_error: …" → {file, line, col, message}. */
export function parseProblem(text) {
  const m = /^(.*?\.(?:rego|json)):(\d+):(\d+):\s*(.*)$/s.exec(text.trim());
  return m ? { file: m[1], line: +m[2], col: +m[3], message: m[4] } : null;
}

export async function render(container, params, signal) {
  container.append(h('h1', {}, 'Policies'));
  let policies;
  try {
    policies = await api('GET', '/api/v1/policies');
  } catch (e) {
    container.append(problemView(e, 'manage policies (COMPLIANCE or ADMIN)'));
    return;
  }
  const state = { files: {}, current: null, diagnostics: {}, revisions: [] };

  // --- live policy and history ------------------------------------------------------------------
  const live = h('section', { class: 'card', 'aria-labelledby': 'live-title' });
  async function showHistory() {
    policies = await api('GET', '/api/v1/policies');
    const revisions = [...new Set([policies.shippedRevision, ...policies.history.map((p) => p.revision)])];
    state.revisions = revisions;
    const rows = [...policies.history].reverse().map((p) =>
      h('tr', { dataset: { revision: p.revision } },
        h('td', {}, h('code', {}, p.revision), p.revision === policies.activeRevision ? h('span', { class: 'badge ok' }, 'live') : null),
        h('td', {}, p.status),
        h('td', {}, time(p.at)),
        h('td', {}, p.by),
        h('td', {}, p.message || ''),
        h('td', {}, p.revision === policies.activeRevision ? '' :
          h('button', { type: 'button', class: 'secondary', onclick: () => activate(p.revision) },
            p.status === 'draft' ? 'Activate' : 'Roll back to this'))));
    live.replaceChildren(
      h('h2', { id: 'live-title' }, 'Live policy'),
      h('p', {}, 'Active revision: ', h('strong', { id: 'active-revision' }, policies.activeRevision),
        ' · shipped default: ', h('code', {}, policies.shippedRevision)),
      h('div', { class: 'actions' },
        h('button', { type: 'button', class: 'secondary', onclick: rollback }, 'Roll back to the previous revision')),
      h('div', { class: 'scroll' }, h('table', { class: 'history' },
        h('caption', {}, 'History: every draft, activation and rollback, newest first'),
        h('thead', {}, h('tr', {}, ['Revision', 'Status', 'When', 'Who', 'What', ''].map((t) => h('th', { scope: 'col' }, t)))),
        h('tbody', {}, rows.length ? rows : h('tr', {}, h('td', { colspan: 6 }, 'No bundle uploaded yet; the shipped default decides.'))))),
    );
    for (const select of [base, simRevision, replayRevision]) fillRevisions(select);
  }
  async function activate(revision) {
    if (!(await confirmDialog('Activate ' + revision + '?',
      `Revision ${revision} replaces ${policies.activeRevision} on every instance, for every decision from now on.`,
      { confirmLabel: 'Activate' }))) return;
    try {
      const result = await api('POST', `/api/v1/policies/${encodeURIComponent(revision)}/activate`);
      toast(`${result.revision} is live${result.effective ? '' : ' (not yet confirmed by this instance)'}; previous: ${result.previousRevision}`);
      await showHistory();
    } catch (e) {
      live.append(problemView(e, 'activate policies'));
    }
  }
  async function rollback() {
    if (!(await confirmDialog('Roll back?', `The revision active before ${policies.activeRevision} becomes live again on every instance.`,
      { confirmLabel: 'Roll back', danger: true }))) return;
    try {
      const result = await api('POST', '/api/v1/policies/rollback', {});
      toast(`Rolled back to ${result.revision}`);
      await showHistory();
    } catch (e) {
      live.append(problemView(e, 'roll back policies'));
    }
  }

  // --- editor -------------------------------------------------------------------------------------
  const base = h('select', { name: 'base' });
  const fileSelect = h('select', { name: 'file' });
  const newPath = h('input', { type: 'text', name: 'new-module', placeholder: 'lattice/extra.rego', autocomplete: 'off' });
  const revision = h('input', { type: 'text', name: 'revision', value: 'draft-' + new Date().toISOString().slice(0, 19).replace(/[-:T]/g, ''), autocomplete: 'off' });
  const problems = h('div', { class: 'problems', id: 'policy-problems', 'aria-live': 'polite' });
  const tests = h('div', { class: 'tests', id: 'policy-tests', 'aria-live': 'polite' });
  const editorBox = h('div', { class: 'editor' });
  const upload = h('input', { type: 'file', name: 'bundle', accept: '.tar.gz,.tgz,application/gzip' });
  const editorCard = h('section', { class: 'card', 'aria-labelledby': 'edit-title' },
    h('h2', { id: 'edit-title' }, 'Edit a bundle'),
    h('div', { class: 'row' },
      field('Start from revision', base),
      h('button', { type: 'button', class: 'secondary', onclick: () => load(base.value) }, 'Load')),
    h('div', { class: 'row' },
      field('File', fileSelect),
      field('New module', newPath, 'path inside the bundle, ending in .rego'),
      h('button', { type: 'button', class: 'secondary', onclick: addModule }, 'Add module')),
    editorBox,
    problems,
    h('div', { class: 'row' },
      field('Revision of the new bundle', revision, 'written into .manifest'),
      h('button', { type: 'button', class: 'secondary', id: 'run-tests', onclick: runTests }, 'Run tests'),
      h('button', { type: 'button', class: 'primary', id: 'upload-draft', onclick: uploadDraft }, 'Upload as draft')),
    tests,
    h('details', {}, h('summary', {}, 'Or upload a bundle file (.tar.gz)'),
      h('div', { class: 'row' }, field('Bundle file', upload),
        h('button', { type: 'button', class: 'secondary', onclick: uploadFile }, 'Upload file'))),
  );
  const editor = createEditor(editorBox, 'Policy file', (text) => {
    if (state.current) state.files[state.current] = text;
  });
  fileSelect.addEventListener('change', () => open(fileSelect.value));

  function fillFiles() {
    fileSelect.replaceChildren(...Object.keys(state.files).sort().map((f) =>
      h('option', { value: f, selected: f === state.current }, (state.diagnostics[f] ? '⚠ ' : '') + f)));
  }
  function open(name, goTo) {
    state.current = name;
    editor.show(name, state.files[name] || '', state.diagnostics[name] || []);
    fillFiles();
    if (goTo) editor.goTo(goTo.line, goTo.col);
  }
  async function load(rev) {
    try {
      state.files = await api('GET', `/api/v1/policies/${encodeURIComponent(rev)}/files`);
    } catch (e) {
      problems.replaceChildren(problemView(e, 'read policy bundles'));
      return;
    }
    state.diagnostics = {};
    problems.replaceChildren();
    tests.replaceChildren();
    const first = Object.keys(state.files).filter((f) => f.endsWith('.rego') && !f.endsWith('_test.rego')).sort()[0];
    open(first || Object.keys(state.files)[0]);
  }
  function addModule() {
    const path = newPath.value.trim();
    if (!/^[A-Za-z0-9_./-]+\.rego$/.test(path) || path.includes('..')) {
      problems.replaceChildren(h('p', { class: 'problem', role: 'alert' }, 'A module path is letters, digits, _ . / - and ends in .rego.'));
      return;
    }
    if (!(path in state.files)) state.files[path] = '';
    newPath.value = '';
    open(path);
    editor.view.focus();
  }
  function bundleFiles() {
    const files = { ...state.files };
    let manifest = {};
    try {
      manifest = JSON.parse(files['.manifest'] || '{}');
    } catch {
      /* the server reports a bad manifest */
    }
    manifest.revision = revision.value.trim();
    files['.manifest'] = JSON.stringify(manifest);
    return files;
  }
  function showProblems(error) {
    const messages = ((error.problem && error.problem.errors) || []).map((e) => e.message);
    state.diagnostics = {};
    const items = messages.map((text) => {
      const p = parseProblem(text);
      if (!p) return h('li', {}, text);
      (state.diagnostics[p.file] ||= []).push(p);
      return h('li', {}, h('a', { href: '#', class: 'location', onclick: (ev) => { ev.preventDefault(); open(p.file, p); } },
        `${p.file}:${p.line}:${p.col}`), ' ', p.message);
    });
    problems.replaceChildren(h('div', { class: 'problem', role: 'alert' },
      h('strong', {}, error.problem.title || 'Rejected'), h('p', {}, error.message),
      items.length ? h('ul', { class: 'errors' }, items) : null));
    const first = messages.map(parseProblem).find(Boolean);
    if (first && first.file in state.files) open(first.file, first);
    else fillFiles();
  }
  function clearProblems() {
    state.diagnostics = {};
    problems.replaceChildren();
    if (state.current) editor.mark([]);
    fillFiles();
  }
  async function runTests() {
    tests.replaceChildren(h('p', { class: 'muted' }, 'Compiling and running the tests…'));
    try {
      const report = await api('POST', '/api/v1/policies/tests', await tarGz(bundleFiles()), { contentType: 'application/gzip' });
      clearProblems();
      tests.replaceChildren(
        h('p', { class: 'summary ' + (report.failed ? 'bad' : 'good'), id: 'test-summary' }, `${report.passed} passed, ${report.failed} failed`),
        h('div', { class: 'scroll' }, h('table', { class: 'test-results' },
          h('thead', {}, h('tr', {}, ['Test', 'Result', 'Where'].map((t) => h('th', { scope: 'col' }, t)))),
          h('tbody', {}, report.tests.map((t) => h('tr', { class: t.status },
            h('td', {}, h('code', {}, t.name)),
            h('td', {}, h('span', { class: 'badge ' + (t.status === 'pass' ? 'ok' : 'no') }, t.status), t.message ? ' ' + t.message : ''),
            h('td', {}, t.location)))))));
    } catch (e) {
      tests.replaceChildren();
      if (e instanceof ApiError && e.status === 422) showProblems(e);
      else problems.replaceChildren(problemView(e, 'test policies'));
    }
  }
  async function uploadDraft() {
    await send(await tarGz(bundleFiles()));
  }
  async function uploadFile() {
    if (!upload.files.length) return;
    await send(upload.files[0]);
  }
  async function send(blob) {
    try {
      const draft = await api('POST', '/api/v1/policies', blob, { contentType: 'application/gzip' });
      clearProblems();
      toast(`Draft ${draft.revision} stored: compiled and its tests passed`);
      problems.replaceChildren(h('p', { class: 'ok-note', role: 'status' },
        `Draft ${draft.revision} stored (compiled, tests passed). Simulate or replay it below, then activate it from the history.`));
      await showHistory();
      simRevision.value = draft.revision;
      replayRevision.value = draft.revision;
    } catch (e) {
      if (e instanceof ApiError && e.status === 422) showProblems(e);
      else problems.replaceChildren(problemView(e, 'upload policies'));
    }
  }

  // --- simulate -----------------------------------------------------------------------------------
  const simRevision = h('select', { name: 'sim-revision' });
  const simInput = h('textarea', { name: 'sim-input', rows: 14, spellcheck: 'false' }, JSON.stringify(EXAMPLE_INPUT, null, 2));
  const simOut = h('div', { id: 'sim-result', 'aria-live': 'polite' });
  const simCard = h('section', { class: 'card', 'aria-labelledby': 'sim-title' },
    h('h2', { id: 'sim-title' }, 'Simulate'),
    h('div', { class: 'row' }, field('Revision', simRevision),
      h('button', { type: 'button', class: 'primary', id: 'simulate', onclick: simulate }, 'Simulate')),
    field('Input document (event, consent, source_network, destination, context)', simInput),
    simOut);
  async function simulate() {
    let input;
    try {
      input = JSON.parse(simInput.value);
    } catch (e) {
      simOut.replaceChildren(h('p', { class: 'problem', role: 'alert' }, 'The input is not JSON: ' + e.message));
      return;
    }
    try {
      const s = await api('POST', `/api/v1/policies/${encodeURIComponent(simRevision.value)}/simulate`, { input });
      simOut.replaceChildren(
        decision('Under ' + s.revision, s.decision),
        decision('Live (' + (s.liveDecision.bundle_revision || 'active') + ')', s.liveDecision),
        h('p', { class: s.differsFromLive ? 'bad' : 'muted' }, s.differsFromLive ? 'This revision decides differently from the live policy.' : 'Same decision as the live policy.'));
    } catch (e) {
      simOut.replaceChildren(problemView(e, 'simulate policies'));
    }
  }

  // --- replay -------------------------------------------------------------------------------------
  const replayRevision = h('select', { name: 'replay-revision' });
  const windowSelect = h('select', { name: 'window' },
    [['PT15M', 'last 15 minutes'], ['PT1H', 'last hour'], ['PT24H', 'last 24 hours']].map(([v, t]) => h('option', { value: v, selected: v === 'PT1H' }, t)));
  const replayOut = h('div', { id: 'replay-result', 'aria-live': 'polite' });
  const replayCard = h('section', { class: 'card', 'aria-labelledby': 'replay-title' },
    h('h2', { id: 'replay-title' }, 'Replay recent traffic'),
    h('div', { class: 'row' }, field('Revision', replayRevision), field('Window', windowSelect),
      h('button', { type: 'button', class: 'primary', onclick: replay }, 'Replay')),
    replayOut);
  async function replay() {
    replayOut.replaceChildren(h('p', { class: 'muted' }, 'Re-deciding recent decisions…'));
    try {
      const r = await api('POST', `/api/v1/policies/${encodeURIComponent(replayRevision.value)}/replay`, { window: windowSelect.value, limit: 2000 });
      const counts = (title, map) => h('div', {}, h('h3', {}, title), Object.keys(map).length ?
        h('table', {}, h('thead', {}, h('tr', {}, ['', 'Newly allowed', 'Newly denied'].map((t) => h('th', { scope: 'col' }, t)))),
          h('tbody', {}, Object.entries(map).map(([k, c]) => h('tr', {}, h('td', {}, k), h('td', { class: 'num' }, c.newlyAllowed), h('td', { class: 'num' }, c.newlyDenied))))) :
        h('p', { class: 'muted' }, 'no change'));
      replayOut.replaceChildren(
        h('p', { class: 'summary' }, `${r.examined} decisions examined: ${r.newlyAllowed} newly allowed, ${r.newlyDenied} newly denied, ${r.unchanged} unchanged, ${r.skipped} skipped (live: ${r.liveRevision}).`),
        h('div', { class: 'grid3' }, counts('By network', r.byNetwork), counts('By brand', r.byBrand), counts('By reason', r.byReason)),
        r.examples.length ? h('div', { class: 'scroll' }, h('table', {},
          h('caption', {}, 'Changed decisions (open an event to see its decisions)'),
          h('thead', {}, h('tr', {}, ['Event', 'Destination', 'Live', 'This revision'].map((t) => h('th', { scope: 'col' }, t)))),
          h('tbody', {}, r.examples.map((c) => h('tr', {},
            h('td', {}, h('a', { href: '#/decisions?eventId=' + encodeURIComponent(c.eventId) }, c.eventId)),
            h('td', {}, `${c.destination.kind} ${c.destination.id}`),
            h('td', {}, c.liveAllow ? 'allowed' : 'denied: ' + c.liveReasons.join(', ')),
            h('td', {}, c.draftAllow ? 'allowed' : 'denied: ' + c.draftReasons.join(', '))))))) : null,
        h('details', {}, h('summary', {}, 'Approximations'), h('ul', {}, r.approximations.map((a) => h('li', {}, a)))));
    } catch (e) {
      replayOut.replaceChildren(problemView(e, 'replay policies'));
    }
  }

  function fillRevisions(select) {
    const keep = select.value;
    select.replaceChildren(...state.revisions.map((r) => h('option', { value: r }, r + (r === policies.activeRevision ? ' (live)' : ''))));
    select.value = keep && state.revisions.includes(keep) ? keep : policies.activeRevision;
  }

  container.append(live, editorCard, h('div', { class: 'grid2' }, simCard, replayCard));
  await showHistory();
  if (!signal.aborted) await load(policies.activeRevision);
}

function decision(title, d) {
  const o = d.obligations || {};
  return h('div', { class: 'sim-decision ' + (d.allow ? 'allowed' : 'denied') },
    h('h3', {}, title, ': ', h('span', { class: 'badge ' + (d.allow ? 'ok' : 'no') }, d.allow ? 'allow' : 'deny')),
    h('dl', { class: 'facts' },
      h('dt', {}, 'Reasons'), h('dd', {}, d.reasons.length ? h('ul', {}, d.reasons.map((r) => h('li', {}, h('code', {}, r.code), ' ', r.message))) : '—'),
      h('dt', {}, 'Obligations'), h('dd', {}, h('code', {}, JSON.stringify(o))),
      h('dt', {}, 'Rules that fired'), h('dd', {}, (d.explanation || []).length ?
        h('ul', { class: 'fired' }, d.explanation.map((f) => h('li', {}, h('code', {}, f.rule), ' ', h('span', { class: 'muted' }, where(f.location))))) : '—')));
}

function where(location) {
  if (!location) return '';
  if (typeof location === 'string') return location;
  return `${location.file}:${location.line}:${location.column}`;
}
