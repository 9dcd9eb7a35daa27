import { TIMELINE_MARKUP } from './timeline.ts'

/**
 * The dashboard's static markup: the page body at `/__mock/` and the content of the shadow root
 * that `mountDashboard` fills. Only structure lives here; the client (app.ts) fills it from data.
 */
export const DASHBOARD_MARKUP = `<div class="irm">
<header>
  <h1>image-registry-mock <small id="irm-version"></small></h1>
  <p id="irm-summary" class="muted"></p>
  <p id="irm-proxied" class="proxied" hidden></p>
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
    <div class="field"><label for="irm-scenario">Scenario</label> <select id="irm-scenario" name="scenario" aria-describedby="irm-scenario-about"></select></div>
    <div class="field"><label for="irm-seed">Seed</label> <input id="irm-seed" name="seed" type="number" min="0" max="4294967295" step="1" inputmode="numeric" size="10"></div>
    <button type="submit">Reset session</button>
  </form>
  <p id="irm-scenario-about" class="muted"></p>
  <p class="muted">Reset re-seeds the session from the scenario, puts its fault rules back to the scenario's and the server's (<code>--fault</code>), and clears its journal and clock.</p>
</section>
<section aria-labelledby="irm-timeline-heading">
  <h2 id="irm-timeline-heading">Timeline</h2>
${TIMELINE_MARKUP}
  <p class="muted">The journal's filters apply to it too.</p>
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
      <caption>API requests in this session, newest first; open a row for its bodies and fault. Control API calls are not recorded. <span id="irm-journal-count"></span></caption>
      <thead><tr>
        <th scope="col" class="num">#</th><th scope="col">Received (UTC)</th><th scope="col">Operation</th>
        <th scope="col">Request</th><th scope="col">Status</th><th scope="col" class="num">ms</th><th scope="col">Fault rule</th>
      </tr></thead>
      <tbody id="irm-journal-body"></tbody>
    </table>
  </div>
  <p id="irm-journal-empty" class="muted">No requests yet.</p>
</section>
<section id="irm-drift" aria-labelledby="irm-drift-heading" hidden>
  <h2 id="irm-drift-heading">Drift</h2>
  <p class="muted">Where the proxied services' answers (or the requests sent to them) break the contract the mock answers with, per operation since the last <code>DELETE /__mock/violations</code>. A journal row's badge counts its own exchange's violations.</p>
  <div class="wide">
    <table id="irm-drift-table">
      <caption>Contract violations of proxied traffic in this session.</caption>
      <thead><tr>
        <th scope="col">Operation</th><th scope="col" class="num">Exchanges</th><th scope="col" class="num">Violations</th>
        <th scope="col">Paths</th><th scope="col">Sample messages</th>
      </tr></thead>
      <tbody id="irm-drift-body"></tbody>
    </table>
  </div>
  <p id="irm-drift-empty" class="muted">No violations yet.</p>
</section>
<section aria-labelledby="irm-faults-heading">
  <h2 id="irm-faults-heading">Fault switches</h2>
  <p class="muted">Each switch creates or removes a real fault rule (id <code>dash.&lt;operation&gt;</code>) in this session; the next request to that operation obeys it. Rules from elsewhere (a scenario, <code>--fault</code>, the API) that affect an operation are listed under its switch, and its counters include them. A reset switch drops every request while it is on: a browser silently re-sends a request whose connection was reset, so a one-off reset never reaches the page.</p>
  <form id="irm-switch-options">
    <fieldset><legend>Every kind</legend>
      <div class="field"><label for="irm-times">Times</label> <input id="irm-times" type="number" min="1" step="1" inputmode="numeric" placeholder="every" size="5" aria-describedby="irm-switch-hint"></div>
      <div class="field"><label for="irm-after">After</label> <input id="irm-after" type="number" min="0" step="1" inputmode="numeric" placeholder="0" size="5" aria-describedby="irm-switch-hint"></div>
      <div class="field"><label for="irm-when">When</label> <select id="irm-when" aria-describedby="irm-switch-hint"><option value="before">before the operation</option><option value="afterCommit">after commit</option></select></div>
      <div class="field"><label for="irm-window-from">Window from</label> <input id="irm-window-from" placeholder="+10s or ISO" autocomplete="off" size="9" aria-describedby="irm-window-hint"></div>
      <div class="field"><label for="irm-window-until">Window until</label> <input id="irm-window-until" placeholder="+1m or ISO" autocomplete="off" size="9" aria-describedby="irm-window-hint"></div>
      <div class="field"><label for="irm-window-every">Window every</label> <input id="irm-window-every" placeholder="1m" autocomplete="off" size="5" aria-describedby="irm-window-hint"></div>
      <div class="field"><label for="irm-window-for">Window for</label> <input id="irm-window-for" placeholder="10s" autocomplete="off" size="5" aria-describedby="irm-window-hint"></div>
    </fieldset>
    <fieldset><legend>Status and latency</legend>
      <div class="field"><label for="irm-retry-after">Retry-After (s)</label> <input id="irm-retry-after" type="number" min="0" max="86400" step="1" inputmode="numeric" value="1" size="5" aria-describedby="irm-switch-hint"></div>
      <div class="field"><label for="irm-latency">Latency (ms)</label> <input id="irm-latency" type="number" min="0" max="300000" step="100" value="1500" size="7"></div>
      <div class="field"><label for="irm-spread">Latency spread</label> <select id="irm-spread" aria-describedby="irm-latency-hint"><option value="fixed">fixed</option><option value="uniform">uniform Min–Max</option><option value="lognormal">lognormal</option></select></div>
      <div class="field"><label for="irm-delay-min">Min (ms)</label> <input id="irm-delay-min" type="number" min="0" max="300000" step="100" inputmode="numeric" placeholder="0" size="6" aria-describedby="irm-latency-hint"></div>
      <div class="field"><label for="irm-delay-max">Max (ms)</label> <input id="irm-delay-max" type="number" min="0" max="300000" step="100" inputmode="numeric" size="6" aria-describedby="irm-latency-hint"></div>
      <div class="field"><label for="irm-sigma">Sigma</label> <input id="irm-sigma" type="number" min="0" max="10" step="0.1" placeholder="0.5" size="4" aria-describedby="irm-latency-hint"></div>
    </fieldset>
    <fieldset><legend>Body and quota</legend>
      <div class="field"><label for="irm-bytes">Bytes (truncate)</label> <input id="irm-bytes" type="number" min="0" max="1000000000" step="1" inputmode="numeric" value="16" size="6"></div>
      <div class="field"><label for="irm-rate">Bytes/s (slow body)</label> <input id="irm-rate" type="number" min="1" max="1000000000" step="1" inputmode="numeric" value="1024" size="7"></div>
      <div class="field"><label for="irm-quota-limit">Quota limit</label> <input id="irm-quota-limit" type="number" min="0" max="1000000" step="1" inputmode="numeric" value="3" size="5"></div>
      <div class="field"><label for="irm-quota-per">Quota per (ms)</label> <input id="irm-quota-per" type="number" min="1" max="86400000" step="1000" inputmode="numeric" value="60000" size="7"></div>
      <div class="field"><label for="irm-quota-by">Quota by</label> <select id="irm-quota-by"><option value="session">session</option><option value="principal">caller</option><option value="operation">operation</option></select></div>
    </fieldset>
    <div class="field"><label for="irm-op-filter">Find operation</label> <input id="irm-op-filter" type="search" autocomplete="off" size="28"></div>
  </form>
  <p id="irm-switch-hint" class="muted">These apply to the rule the next switch you turn on creates: it fires <em>Times</em> times (empty: on every request) once <em>After</em> requests have passed, and a 429 or 503 carries <code>Retry-After</code>. “503 twice with Retry-After 3, then recover”: Times 2, Retry-After 3, then the switch. A connection reset ignores Times, since a browser silently re-sends a reset request. <em>After commit</em> runs the operation and stores its change, then the client gets the 502/503 or dropped connection instead of the answer.</p>
  <p id="irm-window-hint" class="muted">A window limits the rule to a stretch of the session clock: from and until are <code>+30s</code> from now or an ISO date-time; or the first <em>for</em> of every <em>every</em> (<code>10s</code> of every <code>1m</code>).</p>
  <p id="irm-latency-hint" class="muted">Latency is drawn per request: fixed at Latency (ms), uniform between Min and Max, or lognormal around Latency (ms) with Sigma, cut at Max. A truncated body stops after Bytes; a slow body arrives at Bytes/s; a quota lets Quota limit requests through per window and answers the rest with the vendor’s 429.</p>
  <div class="wide">
    <table id="irm-switches">
      <caption>One switch per operation: off, 409, 429, 503 (or 502 where the vendor has no 503), latency, connection reset, truncated body, garbage or empty reply, slow body, quota, or async work fails (only where the operation starts async work: a Cycle deletion job, a Snowflake <code>Prefer: respond-async</code> result); each offers only the statuses its operation can answer. Fired reads <em>fired/times</em> when the rule has a limit.</caption>
      <thead><tr>
        <th scope="col">Operation</th><th scope="col">Route</th><th scope="col">Fault</th>
        <th scope="col" class="num">Matched</th><th scope="col" class="num">Fired</th>
      </tr></thead>
    </table>
  </div>
  <h2 id="irm-rules-heading" class="sub">Fault rules</h2>
  <div class="wide">
    <table id="irm-rules" aria-labelledby="irm-rules-heading">
      <thead><tr>
        <th scope="col">Id</th><th scope="col">Kind</th><th scope="col">Match</th><th scope="col">Effect</th><th scope="col">Limits</th>
        <th scope="col">Window, quota</th><th scope="col" class="num">Matched</th><th scope="col" class="num">Fired</th><th scope="col"><span class="visually-hidden">Actions</span></th>
      </tr></thead>
      <tbody id="irm-rules-body"></tbody>
    </table>
  </div>
  <p id="irm-rules-empty" class="muted">No fault rules in this session.</p>
  <p><button type="button" id="irm-clear-faults">Remove all fault rules</button></p>
</section>
</main>
</div>`
