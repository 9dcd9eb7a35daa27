/**
 * The dashboard at `GET /__mock/`: one self-contained page (HTML, CSS and a plain script, no build
 * step) that talks only to the control API of the session it shows. The same parts mount into a
 * shadow root under the browser worker (see `mountDashboard` in browser.ts), where msw never sees
 * page navigations and so cannot serve `/__mock/` itself.
 */

/** Settings the dashboard script reads; all optional. */
export interface DashboardOptions {
  /** Where the control API lives (default `/__mock`). */
  base?: string
  /** How often the journal, rules and sessions are polled, in ms (default 1000). */
  pollMs?: number
  /** The session shown first (default `default`). */
  session?: string
}

/** The dashboard in pieces: a stylesheet, the markup, and the body of `function (root, options)`. */
export interface DashboardParts {
  style: string
  markup: string
  /**
   * Runs the dashboard inside `root` (a document or a shadow root) with {@link DashboardOptions};
   * returns `{ stop() }`, which ends polling.
   */
  script: string
}

/** The page served at `GET /__mock/`. */
export function dashboardHtml(): string {
  const { style, markup, script } = dashboardParts()
  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<title>image-registry-mock dashboard</title>',
    `<style>${style}</style>`,
    '</head>',
    '<body>',
    markup,
    '<script>',
    // `?session=NAME` and `?poll=MS` let a link open the page on a session or poll faster.
    `(function (root, options) {${script}})(document, (function () {
  var q = new URLSearchParams(location.search);
  var poll = Number(q.get('poll'));
  return { base: '/__mock', session: q.get('session') || undefined, pollMs: poll > 0 ? poll : undefined };
})());`,
    '</script>',
    '</body>',
    '</html>',
  ].join('\n')
}

/** The dashboard's stylesheet, markup and script, for serving or mounting. */
export function dashboardParts(): DashboardParts {
  return { style: STYLE, markup: MARKUP, script: SCRIPT }
}

const STYLE = `
.irm { --fg: #1b1f24; --muted: #57606a; --bg: #fff; --panel: #f6f8fa; --line: #d0d7de;
  --accent: #0969da; --ok: #1a7f37; --warn: #9a6700; --bad: #cf222e;
  color: var(--fg); background: var(--bg); font: 14px/1.45 system-ui, sans-serif; padding: 0 1rem 2rem; }
@media (prefers-color-scheme: dark) {
  .irm { --fg: #e6edf3; --muted: #9198a1; --bg: #0d1117; --panel: #161b22; --line: #30363d;
    --accent: #4493f8; --ok: #3fb950; --warn: #d29922; --bad: #f85149; }
}
body { margin: 0; }
.irm h1 { font-size: 1.25rem; margin: 0; padding: .75rem 0; }
.irm h1 small { color: var(--muted); font-weight: normal; font-size: .85rem; }
.irm h2 { font-size: 1.05rem; margin: 0 0 .5rem; }
.irm header { display: flex; flex-wrap: wrap; gap: .25rem 1.5rem; align-items: baseline;
  border-bottom: 1px solid var(--line); margin-bottom: 1rem; }
.irm section { background: var(--panel); border: 1px solid var(--line); border-radius: 6px;
  padding: .75rem 1rem; margin-bottom: 1rem; }
.irm form { display: flex; flex-wrap: wrap; gap: .5rem 1rem; align-items: end; margin: 0 0 .5rem; }
.irm .field { display: inline-flex; flex-direction: column; gap: .15rem; }
.irm label { font-size: .8rem; color: var(--muted); }
.irm label.inline { display: inline-flex; align-items: center; gap: .35rem; }
.irm input, .irm select, .irm button { font: inherit; color: var(--fg); background: var(--bg);
  border: 1px solid var(--line); border-radius: 4px; padding: .2rem .4rem; }
.irm button { cursor: pointer; }
.irm button:hover { border-color: var(--accent); }
.irm :focus-visible { outline: 2px solid var(--accent); outline-offset: 1px; }
.irm .scroll { max-height: 28rem; overflow: auto; border: 1px solid var(--line); border-radius: 4px; background: var(--bg); }
.irm table { border-collapse: collapse; width: 100%; font-size: .85rem; }
.irm caption { text-align: left; color: var(--muted); padding: .25rem .5rem; }
.irm th, .irm td { text-align: left; padding: .2rem .5rem; border-bottom: 1px solid var(--line); vertical-align: top; }
.irm thead th { position: sticky; top: 0; background: var(--panel); }
.irm tbody th[scope=rowgroup] { background: var(--panel); font-weight: 600; }
.irm td.num, .irm th.num { text-align: right; font-variant-numeric: tabular-nums; }
.irm code, .irm .mono { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size: .8rem; }
.irm .s2 { color: var(--ok); } .irm .s4 { color: var(--warn); } .irm .s5, .irm .s0 { color: var(--bad); }
.irm .status { font-weight: 600; }
.irm .fault { color: var(--bad); font-size: .75rem; }
.irm .muted { color: var(--muted); }
.irm #irm-announce { min-height: 1.4em; color: var(--muted); }
.irm #irm-announce.error { color: var(--bad); }
.irm tr.new { animation: irm-flash 1.2s ease-out; }
@keyframes irm-flash { from { background: color-mix(in srgb, var(--accent) 25%, transparent); } }
@media (prefers-reduced-motion: reduce) { .irm tr.new { animation: none; } }
.irm .visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
`

const MARKUP = `<div class="irm">
<header>
  <h1>image-registry-mock <small id="irm-version"></small></h1>
  <p id="irm-summary" class="muted"></p>
  <p id="irm-announce" role="status" aria-live="polite"></p>
</header>
<main>
<section aria-labelledby="irm-session-heading">
  <h2 id="irm-session-heading">Session and scenario</h2>
  <form id="irm-session-form">
    <div class="field"><label for="irm-session">Session</label> <input id="irm-session" name="session" list="irm-session-list" required pattern="[A-Za-z0-9._\\-]{1,64}" autocomplete="off" size="16"></div>
    <datalist id="irm-session-list"></datalist>
    <button type="submit">Show session</button>
  </form>
  <form id="irm-reset-form">
    <div class="field"><label for="irm-scenario">Scenario</label> <select id="irm-scenario" name="scenario"></select></div>
    <div class="field"><label for="irm-seed">Seed</label> <input id="irm-seed" name="seed" type="number" min="0" max="4294967295" step="1" inputmode="numeric" size="10"></div>
    <button type="submit">Reset session</button>
  </form>
  <p class="muted">Reset re-seeds the session from the scenario and clears its fault rules, journal and clock.</p>
</section>
<section aria-labelledby="irm-journal-heading">
  <h2 id="irm-journal-heading">Journal</h2>
  <form id="irm-journal-filters">
    <div class="field"><label for="irm-filter-vendor">Vendor</label> <select id="irm-filter-vendor" name="vendor"><option value="">any</option></select></div>
    <div class="field"><label for="irm-filter-operation">Operation (glob)</label> <input id="irm-filter-operation" name="operation" list="irm-operation-list" placeholder="snowflake.*" autocomplete="off" size="28"></div>
    <datalist id="irm-operation-list"></datalist>
    <div class="field"><label for="irm-filter-status">Status</label> <input id="irm-filter-status" name="status" type="number" min="0" max="599" step="1" inputmode="numeric" size="5"></div>
    <div class="field"><span aria-hidden="true">&nbsp;</span><label for="irm-pause" class="inline"><input id="irm-pause" type="checkbox"> Pause</label></div>
  </form>
  <div class="scroll">
    <table id="irm-journal">
      <caption>API requests in this session, newest first; control API calls are not recorded. <span id="irm-journal-count"></span></caption>
      <thead><tr>
        <th scope="col" class="num">#</th><th scope="col">Time</th><th scope="col">Operation</th>
        <th scope="col">Request</th><th scope="col">Status</th><th scope="col" class="num">ms</th><th scope="col">Fault rule</th>
      </tr></thead>
      <tbody id="irm-journal-body"></tbody>
    </table>
  </div>
  <p id="irm-journal-empty" class="muted">No requests yet.</p>
</section>
<section aria-labelledby="irm-faults-heading">
  <h2 id="irm-faults-heading">Fault switches</h2>
  <p class="muted">Each switch creates or removes a real fault rule (id <code>dash.&lt;operation&gt;</code>) in this session; the next request to that operation obeys it.</p>
  <form id="irm-switch-options">
    <div class="field"><label for="irm-latency">Latency (ms)</label> <input id="irm-latency" type="number" min="0" max="300000" step="100" value="1500" size="7"></div>
    <div class="field"><label for="irm-op-filter">Find operation</label> <input id="irm-op-filter" type="search" autocomplete="off" size="28"></div>
  </form>
  <div class="scroll">
    <table id="irm-switches">
      <caption>One switch per operation: off, 409, 429, 503, latency or connection reset.</caption>
      <thead><tr>
        <th scope="col">Operation</th><th scope="col">Route</th><th scope="col">Fault</th>
        <th scope="col" class="num">Matched</th><th scope="col" class="num">Fired</th>
      </tr></thead>
    </table>
  </div>
  <h2 id="irm-rules-heading" style="margin-top:1rem">Fault rules</h2>
  <div class="scroll">
    <table id="irm-rules" aria-labelledby="irm-rules-heading">
      <thead><tr>
        <th scope="col">Id</th><th scope="col">Match</th><th scope="col">Effect</th><th scope="col">Limits</th>
        <th scope="col" class="num">Matched</th><th scope="col" class="num">Fired</th><th scope="col"><span class="visually-hidden">Actions</span></th>
      </tr></thead>
      <tbody id="irm-rules-body"></tbody>
    </table>
  </div>
  <p id="irm-rules-empty" class="muted">No fault rules in this session.</p>
  <p><button type="button" id="irm-clear-faults">Remove all fault rules</button></p>
</section>
</main>
</div>`

// Plain ES2017 for any browser, run as `function (root, options)`. It sits in a template literal,
// so it must not contain a backtick, a dollar sign followed by a brace, or a backslash.
const SCRIPT = `
'use strict';
options = options || {};
var doc = root.ownerDocument || root;
var base = options.base || '/__mock';
var pollMs = options.pollMs || 1000;
var MAX_ROWS = 500;
var KINDS = [['off', 'off'], ['409', '409 conflict'], ['429', '429 throttled'], ['503', '503 unavailable'], ['latency', 'latency'], ['reset', 'connection reset']];
var st = {
  session: options.session || 'default', lastId: 0, size: 0, generation: 0, tick: 0,
  operations: [], opKey: '', rules: [], timer: 0, stopped: false, busy: {}
};

function $(id) { return root.querySelector('#irm-' + id); }
function el(tag, props, children) {
  var node = doc.createElement(tag);
  if (props) for (var k in props) {
    if (k === 'text') node.textContent = props[k];
    else if (k === 'class') node.className = props[k];
    else node.setAttribute(k, props[k]);
  }
  (children || []).forEach(function (c) { if (c != null) node.append(c); });
  return node;
}
function focused(node) { return doc.activeElement === node || root.activeElement === node; }
function announce(message, isError) {
  var region = $('announce');
  region.textContent = message;
  region.className = isError ? 'error' : '';
}
async function api(method, path, body) {
  var init = { method: method, headers: { 'X-Mock-Session': st.session }, cache: 'no-store' };
  if (body !== undefined) { init.headers['Content-Type'] = 'application/json'; init.body = JSON.stringify(body); }
  var response = await fetch(base + path, init);
  if (response.status === 204) return null;
  var data = await response.json().catch(function () { return null; });
  if (!response.ok) {
    var err = new Error((data && data.error && data.error.message) || ('HTTP ' + response.status));
    err.status = response.status;
    throw err;
  }
  return data;
}
function ruleId(operation) {
  var id = 'dash.' + operation;
  return id.length <= 64 ? id : id.slice(0, 64);
}
function kindOf(rule) {
  var e = rule.effect || {};
  if (e.network === 'reset') return 'reset';
  if (e.status === 409 || e.status === 429 || e.status === 503) return String(e.status);
  if (e.status === undefined && e.network === undefined && e.delayMs !== undefined) return 'latency';
  return 'other';
}
function effectFor(kind) {
  if (kind === '409') return { status: 409 };
  if (kind === '429' || kind === '503') return { status: Number(kind), retryAfter: 1 };
  if (kind === 'reset') return { network: 'reset' };
  var ms = Number($('latency').value);
  return { delayMs: Number.isInteger(ms) && ms >= 0 ? ms : 1500 };
}
function describe(obj) {
  if (!obj) return '';
  return Object.keys(obj).filter(function (k) { return obj[k] !== undefined; })
    .map(function (k) { return k + '=' + (typeof obj[k] === 'object' ? JSON.stringify(obj[k]) : obj[k]); }).join(' ');
}

// Health: version, session summary, the operations behind the switches and filters.
async function refreshHealth() {
  var health = await api('GET', '/health');
  $('version').textContent = 'v' + health.version;
  $('summary').textContent = 'session ' + health.session + ' · scenario ' + health.scenario + ' · seed ' + health.seed +
    ' · ' + health.sessions + (health.sessions === 1 ? ' session' : ' sessions') + ' · auth ' + (health.auth ? 'on' : 'off');
  // Fill the reset form only when the session's scenario or seed changed, so a choice someone is
  // still making survives the polling.
  var shown = health.session + ' ' + health.scenario + ' ' + health.seed;
  st.scenario = health.scenario;
  if (shown !== st.shownForm) {
    st.shownForm = shown;
    $('seed').value = String(health.seed);
    $('scenario').value = health.scenario;
  }
  var key = health.operations.map(function (o) { return o.id; }).join(',');
  if (key !== st.opKey) { st.opKey = key; st.operations = health.operations; buildOperations(); }
}
async function refreshScenarios() {
  var scenarios = await api('GET', '/scenarios');
  var select = $('scenario');
  select.replaceChildren.apply(select, scenarios.map(function (s) {
    return el('option', { value: s.name, title: s.description, text: s.name + ' — ' + s.description });
  }));
  if (st.scenario) select.value = st.scenario;
}
async function refreshSessions() {
  var data = await api('GET', '/sessions');
  var list = $('session-list');
  list.replaceChildren.apply(list, data.sessions.map(function (name) { return el('option', { value: name }); }));
}
function buildOperations() {
  var vendors = [];
  st.operations.forEach(function (op) {
    var v = op.id.split('.')[0];
    if (vendors.indexOf(v) < 0) vendors.push(v);
  });
  var vendorSelect = $('filter-vendor');
  var chosen = vendorSelect.value;
  vendorSelect.replaceChildren.apply(vendorSelect, [el('option', { value: '', text: 'any' })].concat(
    vendors.map(function (v) { return el('option', { value: v, text: v }); })));
  vendorSelect.value = vendors.indexOf(chosen) >= 0 ? chosen : '';
  var list = $('operation-list');
  list.replaceChildren.apply(list, vendors.map(function (v) { return el('option', { value: v + '.*' }); })
    .concat(st.operations.map(function (op) { return el('option', { value: op.id }); })));

  var table = $('switches');
  Array.prototype.slice.call(table.tBodies).forEach(function (b) { b.remove(); });
  vendors.forEach(function (vendor) {
    var body = el('tbody', { 'data-vendor': vendor }, [
      el('tr', null, [el('th', { scope: 'rowgroup', colspan: '5', text: vendor })])
    ]);
    st.operations.filter(function (op) { return op.id.split('.')[0] === vendor; }).forEach(function (op) {
      var select = el('select', { 'aria-label': 'Fault for ' + op.id, 'data-operation': op.id },
        KINDS.map(function (k) { return el('option', { value: k[0], text: k[1] }); }));
      select.addEventListener('change', function () { applySwitch(op.id, select); });
      body.append(el('tr', { 'data-operation': op.id }, [
        el('th', { scope: 'row', class: 'mono', text: op.id }),
        el('td', { class: 'mono', text: op.method + ' ' + op.path }),
        el('td', null, [select]),
        el('td', { class: 'num', 'data-counter': 'matched', text: '0' }),
        el('td', { class: 'num', 'data-counter': 'fired', text: '0' })
      ]));
    });
    table.append(body);
  });
  filterSwitches();
  renderRules();
}
function filterSwitches() {
  var needle = $('op-filter').value.trim().toLowerCase();
  root.querySelectorAll('#irm-switches tr[data-operation]').forEach(function (row) {
    row.hidden = needle !== '' && row.getAttribute('data-operation').toLowerCase().indexOf(needle) < 0;
  });
}

// Fault rules: the full list with counters, and each switch's state from its dash.* rule.
async function refreshRules() {
  var data = await api('GET', '/faults');
  st.rules = data.rules;
  renderRules();
}
function renderRules() {
  var body = $('rules-body');
  body.replaceChildren.apply(body, st.rules.map(function (rule) {
    var remove = el('button', { type: 'button', 'aria-label': 'Remove rule ' + rule.id, text: 'Remove' });
    remove.addEventListener('click', function () { removeRule(rule.id); });
    var limits = describe({ times: rule.times, after: rule.after, every: rule.every, probability: rule.probability, seed: rule.seed });
    return el('tr', { 'data-rule': rule.id }, [
      el('th', { scope: 'row', class: 'mono', text: rule.id }),
      el('td', { class: 'mono', text: describe(rule.match) || 'every request' }),
      el('td', { class: 'mono', text: describe(rule.effect) }),
      el('td', { class: 'mono', text: limits }),
      el('td', { class: 'num', 'data-counter': 'matched', text: String(rule.matched) }),
      el('td', { class: 'num', 'data-counter': 'fired', text: String(rule.fired) }),
      el('td', null, [remove])
    ]);
  }));
  $('rules-empty').hidden = st.rules.length > 0;
  root.querySelectorAll('#irm-switches tr[data-operation]').forEach(function (row) {
    var op = row.getAttribute('data-operation');
    var rule = st.rules.filter(function (r) { return r.id === ruleId(op); })[0];
    var select = row.querySelector('select');
    var kind = rule ? kindOf(rule) : 'off';
    if (kind === 'other' && !select.querySelector('option[value=other]')) select.append(el('option', { value: 'other', text: 'custom rule' }));
    if (!st.busy[op] && !focused(select)) select.value = kind;
    row.querySelector('[data-counter=matched]').textContent = String(rule ? rule.matched : 0);
    row.querySelector('[data-counter=fired]').textContent = String(rule ? rule.fired : 0);
  });
}
async function applySwitch(operation, select) {
  var kind = select.value;
  if (kind === 'other') return;
  var id = ruleId(operation);
  st.busy[operation] = true;
  select.setAttribute('aria-busy', 'true');
  try {
    if (st.rules.some(function (r) { return r.id === id; })) {
      await api('DELETE', '/faults/' + encodeURIComponent(id)).catch(function (e) { if (e.status !== 404) throw e; });
    }
    if (kind !== 'off') await api('POST', '/faults', { id: id, match: { operation: operation }, effect: effectFor(kind) });
    announce(kind === 'off' ? operation + ': fault off' : operation + ': ' + select.selectedOptions[0].textContent + ' on');
  } catch (e) {
    announce(operation + ': ' + e.message, true);
  } finally {
    st.busy[operation] = false;
    select.removeAttribute('aria-busy');
    await refreshRules().catch(function () {});
  }
}
async function removeRule(id) {
  try {
    await api('DELETE', '/faults/' + encodeURIComponent(id));
    announce('Removed fault rule ' + id);
  } catch (e) { announce(e.message, true); }
  await refreshRules().catch(function () {});
}

// Journal: newest first, polled with afterId so only new entries travel.
function journalQuery() {
  var q = new URLSearchParams();
  var vendor = $('filter-vendor').value;
  var operation = $('filter-operation').value.trim();
  var status = $('filter-status').value.trim();
  if (vendor) q.set('vendor', vendor);
  if (operation) q.set('operation', operation);
  if (status !== '') q.set('status', status);
  if (st.lastId > 0) q.set('afterId', String(st.lastId));
  q.set('limit', String(MAX_ROWS));
  return q;
}
function clearJournal() {
  st.generation++;
  st.lastId = 0;
  $('journal-body').replaceChildren();
  updateJournalCount();
}
function updateJournalCount() {
  var rows = $('journal-body').rows.length;
  $('journal-empty').hidden = rows > 0;
  $('journal-count').textContent = rows > 0 ? '(' + rows + ' shown)' : '';
}
async function refreshJournal(initial) {
  if ($('pause').checked && !initial) return;
  var generation = st.generation;
  var data = await api('GET', '/journal?' + journalQuery());
  if (generation !== st.generation) return;
  // A smaller journal means it was cleared (a reset elsewhere): start over.
  if (data.size < st.size) { st.size = data.size; clearJournal(); return refreshJournal(true); }
  st.size = data.size;
  var body = $('journal-body');
  data.entries.forEach(function (entry) {
    if (entry.id <= st.lastId) return;
    st.lastId = entry.id;
    body.insertBefore(journalRow(entry, !initial), body.firstChild);
  });
  while (body.rows.length > MAX_ROWS) body.deleteRow(body.rows.length - 1);
  updateJournalCount();
}
function journalRow(entry, fresh) {
  var query = new URLSearchParams();
  Object.keys(entry.query).forEach(function (k) {
    [].concat(entry.query[k]).forEach(function (v) { query.append(k, v); });
  });
  var search = query.toString();
  var status = entry.network ? 'network ' + entry.network : String(entry.status);
  var cls = 's' + String(entry.network ? 0 : entry.status).charAt(0);
  return el('tr', { 'data-id': String(entry.id), 'data-operation': entry.operation, 'data-status': String(entry.status), class: fresh ? 'new' : '' }, [
    el('td', { class: 'num', text: String(entry.id) }),
    el('td', { class: 'mono', title: entry.time, text: entry.time.slice(11, 19) }),
    el('td', { class: 'mono', text: entry.operation }),
    el('td', { class: 'mono', title: entry.requestBody || '', text: entry.method + ' ' + entry.path + (search ? '?' + search : '') }),
    el('td', { class: 'status ' + cls, text: status }),
    el('td', { class: 'num', text: String(Math.round(entry.durationMs)) }),
    el('td', { class: 'fault mono', text: entry.fault || '' })
  ]);
}

// Session switching and reset.
async function showSession(name) {
  st.session = name;
  $('session').value = name;
  st.size = 0;
  clearJournal();
  await Promise.all([refreshHealth(), refreshRules(), refreshSessions()]);
  await refreshJournal(true);
}
$('session-form').addEventListener('submit', function (event) {
  event.preventDefault();
  var name = $('session').value.trim();
  showSession(name).then(function () { announce('Showing session ' + name); }, function (e) { announce(e.message, true); });
});
$('reset-form').addEventListener('submit', function (event) {
  event.preventDefault();
  var body = { scenario: $('scenario').value };
  var seed = $('seed').value.trim();
  if (seed !== '') body.seed = Number(seed);
  api('POST', '/reset', body).then(function (result) {
    announce('Session ' + result.session + ' reset to scenario ' + result.scenario + ', seed ' + result.seed);
    return showSession(st.session);
  }).catch(function (e) { announce('Reset failed: ' + e.message, true); });
});
$('journal-filters').addEventListener('submit', function (event) { event.preventDefault(); });
['filter-vendor', 'filter-operation', 'filter-status'].forEach(function (id) {
  $(id).addEventListener('change', function () { clearJournal(); refreshJournal(true).catch(function (e) { announce(e.message, true); }); });
});
$('pause').addEventListener('change', function () { announce($('pause').checked ? 'Journal paused' : 'Journal live'); });
$('switch-options').addEventListener('submit', function (event) { event.preventDefault(); });
$('op-filter').addEventListener('input', filterSwitches);
$('clear-faults').addEventListener('click', function () {
  api('DELETE', '/faults').then(function () { announce('Removed every fault rule'); }, function (e) { announce(e.message, true); })
    .then(function () { return refreshRules(); }).catch(function () {});
});

async function poll() {
  if (st.stopped) return;
  st.tick++;
  try {
    var work = [refreshJournal(false), refreshRules()];
    if (st.tick % 5 === 0) work.push(refreshHealth(), refreshSessions());
    await Promise.all(work);
    if ($('announce').className === 'error' && /reach/.test($('announce').textContent)) announce('Connected again');
  } catch (e) {
    announce('Cannot reach the mock control API at ' + base + ': ' + e.message, true);
  }
  if (!st.stopped) st.timer = setTimeout(poll, pollMs);
}

$('session').value = st.session;
Promise.all([refreshHealth(), refreshScenarios(), refreshSessions(), refreshRules()])
  .then(function () { return refreshJournal(true); })
  .then(function () { root.querySelector('.irm').setAttribute('data-ready', 'true'); })
  .catch(function (e) { announce('Cannot reach the mock control API at ' + base + ': ' + e.message, true); })
  .then(function () { if (!st.stopped) st.timer = setTimeout(poll, pollMs); });

return { stop: function () { st.stopped = true; clearTimeout(st.timer); } };
`
