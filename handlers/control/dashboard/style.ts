/**
 * The dashboard's stylesheet: served as `/__mock/dashboard.css` and adopted by the shadow root
 * that `mountDashboard` creates. Everything is scoped under `.irm` so a host page is untouched.
 */
export const DASHBOARD_CSS = `
.irm { --fg: #1b1f24; --muted: #57606a; --bg: #fff; --panel: #f6f8fa; --line: #d0d7de;
  --accent: #0969da; --ok: #1a7f37; --warn: #9a6700; --bad: #cf222e;
  color: var(--fg); background: var(--bg); font: 14px/1.45 system-ui, sans-serif; padding: 0 1rem 2rem;
  box-sizing: border-box; min-width: 0; }
.irm *, .irm *::before, .irm *::after { box-sizing: inherit; }
@media (prefers-color-scheme: dark) {
  .irm { --fg: #e6edf3; --muted: #9198a1; --bg: #0d1117; --panel: #161b22; --line: #30363d;
    --accent: #4493f8; --ok: #3fb950; --warn: #d29922; --bad: #f85149; }
}
body { margin: 0; }
.irm h1 { font-size: 1.25rem; margin: 0; padding: .75rem 0; }
.irm h1 small { color: var(--muted); font-weight: normal; font-size: .85rem; }
.irm h2 { font-size: 1.05rem; margin: 0 0 .5rem; }
.irm h2.sub { margin-top: 1rem; }
.irm header { display: flex; flex-wrap: wrap; gap: .25rem 1.5rem; align-items: baseline;
  border-bottom: 1px solid var(--line); margin-bottom: 1rem; padding-bottom: .25rem; }
/* The header's lines sit tight; the status region takes no room until it has something to say. */
.irm header p { margin: 0 0 .25rem; }
.irm header #irm-announce { flex-basis: 100%; }
.irm header #irm-announce:empty { margin: 0; }
.irm section { background: var(--panel); border: 1px solid var(--line); border-radius: 6px;
  padding: .75rem 1rem; margin-bottom: 1rem; min-width: 0; }
.irm form { display: flex; flex-wrap: wrap; gap: .5rem 1rem; align-items: end; margin: 0 0 .5rem; }
/* A field never grows past its card: long scenario descriptions shrink the select instead. */
.irm .field { display: inline-flex; flex-direction: column; gap: .15rem; min-width: 0; max-width: 100%; }
.irm label { font-size: .8rem; color: var(--muted); }
.irm label.inline { display: inline-flex; align-items: center; gap: .35rem; }
.irm input, .irm select, .irm button { font: inherit; color: var(--fg); background: var(--bg);
  border: 1px solid var(--line); border-radius: 4px; padding: .2rem .4rem; max-width: 100%; }
.irm select { text-overflow: ellipsis; }
.irm #irm-scenario { min-width: 10rem; }
.irm button { cursor: pointer; }
.irm button:hover { border-color: var(--accent); }
.irm :focus-visible { outline: 2px solid var(--accent); outline-offset: 1px; }
/* The journal scrolls inside its box (it grows without bound); other tables only scroll sideways. */
.irm .scroll { max-height: 28rem; overflow: auto; border: 1px solid var(--line); border-radius: 4px; background: var(--bg); }
.irm .wide { overflow-x: auto; border: 1px solid var(--line); border-radius: 4px; background: var(--bg); }
.irm table { border-collapse: collapse; width: 100%; font-size: .85rem; }
.irm caption { text-align: left; color: var(--muted); padding: .25rem .5rem; }
.irm th, .irm td { text-align: left; padding: .2rem .5rem; border-bottom: 1px solid var(--line); vertical-align: top; }
.irm thead th { position: sticky; top: 0; background: var(--panel); }
.irm tbody th[scope=rowgroup] { background: var(--panel); font-weight: 600; }
.irm td.num, .irm th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.irm td.time { white-space: nowrap; }
/* A flag such as --fault in a sentence stays whole. */
.irm p code { white-space: nowrap; }
.irm code, .irm .mono { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size: .8rem; }
/* Ids, routes and query strings wrap at their dots and slashes (the <wbr>s the script puts
   there); only a single part longer than the column breaks inside. */
.irm td.mono, .irm th.mono { overflow-wrap: break-word; }
.irm fieldset { display: flex; flex-wrap: wrap; gap: .5rem 1rem; align-items: end; min-width: 0;
  margin: 0; padding: .2rem .6rem .5rem; border: 1px solid var(--line); border-radius: 4px; }
.irm legend { font-size: .8rem; font-weight: 600; padding: 0 .25rem; }
.irm .s2 { color: var(--ok); } .irm .s4 { color: var(--warn); } .irm .s5, .irm .s0 { color: var(--bad); }
.irm .status { font-weight: 600; }
.irm .fault { color: var(--bad); font-size: .75rem; }
.irm .muted { color: var(--muted); }
.irm #irm-announce { color: var(--muted); }
.irm #irm-announce.error { color: var(--bad); }
.irm tr.new { animation: irm-flash 1.2s ease-out; }
@keyframes irm-flash { from { background: color-mix(in srgb, var(--accent) 25%, transparent); } }
@media (prefers-reduced-motion: reduce) { .irm tr.new { animation: none; } }
.irm button.open { border: 0; background: none; padding: 0; color: var(--accent); font: inherit; font-variant-numeric: tabular-nums; }
.irm button.open::before { content: '▸ '; color: var(--muted); }
.irm button.open[aria-expanded=true]::before { content: '▾ '; }
.irm #irm-journal tr[data-id] { cursor: pointer; }
.irm tr.detail > td { background: var(--panel); }
.irm tr.detail dl { display: grid; grid-template-columns: max-content minmax(0, 1fr); gap: .25rem 1rem; margin: .25rem 0; }
.irm tr.detail dt { color: var(--muted); font-size: .8rem; }
.irm tr.detail dd { margin: 0; min-width: 0; }
.irm tr.detail pre { margin: 0; max-height: 14rem; overflow: auto; white-space: pre-wrap; overflow-wrap: anywhere;
  font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size: .8rem; }
.irm ul.others { list-style: none; margin: .25rem 0 0; padding: 0; font-size: .75rem; color: var(--bad); }
.irm ul.others li { overflow-wrap: anywhere; }
.irm tr.affected > th { border-left: 3px solid var(--bad); }
/* The switch that is on stands out; one whose rule has used up its times is dimmed. */
.irm #irm-switches tr[data-state=on] > * { background: color-mix(in srgb, var(--bad) 12%, var(--bg)); }
.irm #irm-switches tr[data-state=on] > th { border-left: 4px solid var(--bad); font-weight: 700; }
/* Other rules' notes under a switch take the Fault column's width and give it none, so long
   notes never squeeze the operation ids: those wrap only when the table has no room. */
.irm #irm-switches ul.others { contain: inline-size; }
/* Where the table has room, an operation id stays on one line and its route wraps instead. */
@media (min-width: 1000px) { .irm #irm-switches th[scope=row] wbr { display: none; } }
/* Every switch as wide as the widest, whichever positions its operation offers. */
.irm #irm-switches select { min-width: 13rem; }
.irm #irm-switches tr[data-state=on] select { border-color: var(--bad); font-weight: 600; }
.irm tr[data-state=spent] > * { color: var(--muted); }
/* The rules table gives its id, kind and window room to read; the raw match and effect wrap. */
.irm #irm-rules tbody th { min-width: 20ch; }
.irm #irm-rules td[data-kind] { min-width: 12ch; }
.irm #irm-rules td[data-state=window] { min-width: 18ch; }
/* Narrow screens: drop the columns that are also visible elsewhere (a row's details have the
   time; an operation id names its route), so ids and paths get room and the counters stay in view. */
@media (max-width: 640px) {
  .irm { padding: 0 .5rem 1rem; }
  .irm section { padding: .5rem; }
  .irm #irm-switches tr > :nth-child(2) { display: none; }
  .irm th, .irm td { padding: .2rem .3rem; }
  /* Wide enough for "503 unavailable" and "connection reset" to read whole, with the counters
     still in view. */
  .irm #irm-switches select { min-width: 0; width: 9rem; max-width: 100%; font-size: .8rem; }
  .irm #irm-switches thead th { font-size: .75rem; }
  /* Seven columns do not fit either: each journal entry becomes a card, its number, wall time
     (a retry story's clock), status, duration and fault rule on one line, then the operation,
     then the request. */
  .irm #irm-journal thead { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); }
  .irm #irm-journal tr[data-id] { display: grid; grid-template-columns: auto auto auto auto minmax(0, 1fr);
    gap: 0 .6rem; align-items: baseline; border-bottom: 1px solid var(--line); padding: .2rem .3rem; }
  .irm #irm-journal tr[data-id] > td { display: block; border: 0; padding: 0; min-width: 0; }
  .irm #irm-journal tr[data-id] > :nth-child(1) { grid-area: 1 / 1; }
  .irm #irm-journal tr[data-id] > :nth-child(2) { grid-area: 1 / 2; }
  .irm #irm-journal tr[data-id] > :nth-child(5) { grid-area: 1 / 3; }
  .irm #irm-journal tr[data-id] > :nth-child(6) { grid-area: 1 / 4; }
  .irm #irm-journal tr[data-id] > :nth-child(6)::after { content: ' ms'; color: var(--muted); }
  .irm #irm-journal tr[data-id] > :nth-child(7) { grid-area: 1 / 5; text-align: right; }
  .irm #irm-journal tr[data-id] > :nth-child(3) { grid-area: 2 / 1 / 3 / -1; }
  .irm #irm-journal tr[data-id] > :nth-child(4) { grid-area: 3 / 1 / 4 / -1; }
  .irm #irm-journal tr.detail, .irm #irm-journal tr.detail > td { display: block; }
  /* Seven columns do not fit: each fault rule becomes a card, its id beside its Remove button. */
  .irm #irm-rules thead { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); }
  .irm #irm-rules tr { display: grid; grid-template-columns: minmax(0, 1fr) auto; gap: 0 .5rem;
    border-bottom: 1px solid var(--line); padding: .2rem 0; }
  .irm #irm-rules th, .irm #irm-rules td { display: block; border: 0; padding: .1rem .3rem; text-align: left; min-width: 0; }
  .irm #irm-rules tr > :first-child { grid-column: 1; grid-row: 1; }
  .irm #irm-rules tr > :nth-child(9) { grid-column: 2; grid-row: 1; }
  .irm #irm-rules tr > :nth-child(n+2):nth-child(-n+8) { grid-column: 1 / -1; }
  .irm #irm-rules tr > td:empty { display: none; }
  .irm #irm-rules td[data-counter]::before { content: attr(data-counter) ' '; color: var(--muted); }
}
.irm.bare { padding: 0; background: transparent; }
.irm .timeline-box { border: 1px solid var(--line); border-radius: 4px; background: var(--bg); overflow: hidden; }
.irm #irm-timeline { display: block; width: 100%; height: auto; font: 11px system-ui, sans-serif; }
.irm #irm-timeline .lane-bg { fill: transparent; }
.irm #irm-timeline .lane:nth-child(even) .lane-bg { fill: var(--panel); }
.irm #irm-timeline .lane-label { fill: var(--muted); font-family: ui-monospace, SFMono-Regular, Menlo, monospace; }
.irm #irm-timeline .tick { stroke: var(--line); stroke-dasharray: 2 3; }
.irm #irm-timeline .tick-label { fill: var(--muted); text-anchor: middle; font-variant-numeric: tabular-nums; }
.irm #irm-timeline .tick-label.edge { text-anchor: start; }
.irm #irm-timeline .attempt.ok .mark { fill: var(--ok); }
.irm #irm-timeline .attempt.client .mark { fill: var(--warn); }
.irm #irm-timeline .attempt.server .mark { fill: var(--bad); }
.irm #irm-timeline .attempt.network .mark { fill: var(--bg); stroke: var(--bad); stroke-width: 2; stroke-dasharray: 3 2; }
.irm #irm-timeline .fault-mark { fill: var(--bad); }
.irm #irm-timeline .status-label { fill: var(--fg); font-variant-numeric: tabular-nums; }
.irm #irm-timeline .retry-after { fill: color-mix(in srgb, var(--warn) 35%, transparent); stroke: var(--warn); stroke-dasharray: 4 2; }
.irm #irm-timeline .chain { fill: none; stroke: var(--accent); stroke-width: 2; }
.irm #irm-timeline .chain.failed, .irm #irm-timeline .chain.gave-up { stroke: var(--bad); }
.irm .key::before { content: ''; display: inline-block; width: .7em; height: .7em; margin-right: .2em; border-radius: 2px; vertical-align: baseline; }
.irm .key.ok::before { background: var(--ok); } .irm .key.client::before { background: var(--warn); }
.irm .key.server::before { background: var(--bad); } .irm .key.network::before { border: 2px dashed var(--bad); }
.irm .proxied { color: var(--warn); font-weight: 600; }
.irm .badge { display: inline-block; margin-left: .4rem; padding: 0 .35rem; border-radius: 1em;
  background: var(--warn); color: var(--bg); font-size: .7rem; font-weight: 600; white-space: nowrap; }
.irm ul.plain { list-style: none; margin: 0; padding: 0; }
.irm ul.plain li { overflow-wrap: anywhere; }
.irm .visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
`
