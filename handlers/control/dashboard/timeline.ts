import type { ControlApi, JournalEntry } from './api.ts'
import type { Ui } from './dom.ts'
import { wallTime } from './journal.ts'

/** One attempt of a retry chain as `GET /__mock/retries` lists it (the fields drawn here). */
export interface ChainAttempt {
  journalId: number
  retryAfterMs: number | null
  waitedMs: number | null
}

/** One retry chain of `GET /__mock/retries` (the fields drawn here). */
export interface RetryChain {
  operation: string
  attempts: ChainAttempt[]
  honouredRetryAfter: boolean
  outcome: 'succeeded' | 'failed' | 'gave-up' | string
}

/** The SVG's accessible name. */
export const TIMELINE_LABEL =
  "Timeline of this session's requests on wall time, one lane per operation"

/** The timeline's markup: its key, the box it fills and what it says while empty. */
export const TIMELINE_MARKUP = `  <p class="muted">Requests on wall time, one lane per operation: <span class="key ok">2xx</span> <span class="key client">4xx</span> <span class="key server">5xx</span> <span class="key network">dropped</span>; ▲ a fault rule answered; a dashed bar is the wait <code>Retry-After</code> asked for; a line joins the attempts of one retried request.</p>
  <div id="irm-timeline-box" class="timeline-box">
    <svg id="irm-timeline" xmlns="http://www.w3.org/2000/svg" role="img" aria-label="${TIMELINE_LABEL}"></svg>
  </div>
  <p id="irm-timeline-empty" class="muted">No requests yet.</p>`

const SVG = 'http://www.w3.org/2000/svg'
/** Wall time shown at most: older requests scroll off the left edge. */
const WINDOW_MS = 120_000
/** Shortest span drawn, so the axis never zooms into a single request. */
const MIN_SPAN_MS = 10_000
/**
 * A lane's rows, from its top: the operation's name, then each answer's status (`503`, `reset`)
 * after a ▲ where a fault rule answered, then the marks with their Retry-After bars. Text and
 * marks never share a row, so neither hides the other.
 */
const LANE_HEIGHT = 54
const LABEL_BASELINE = 12
const STATUS_BASELINE = 28
const MARK_TOP = 32
const MARK_HEIGHT = 16
/** The wait bar sits in the mark row's upper part and the chain line below it, apart. */
const WAIT_TOP = MARK_TOP + 1
const WAIT_HEIGHT = 8
const CHAIN_Y = MARK_TOP + MARK_HEIGHT - 3
/** Width of one character of the 11 px status labels, px (a little over, so labels never touch). */
const STATUS_CHAR = 6.6
const AXIS_HEIGHT = 22
const PAD = 8
/** Half the width of a tick label (`hh:mm:ss` at 11 px), px. */
const HALF_LABEL = 26

/**
 * How an answer reads on the timeline: `ok` (2xx/3xx), `client` (4xx), `server` (5xx) or
 * `network` (the connection dropped, or no answer).
 */
export function outcomeOf(entry: Pick<JournalEntry, 'status' | 'network'>): string {
  if (entry.network || entry.status === 0) return 'network'
  if (entry.status >= 500) return 'server'
  if (entry.status >= 400) return 'client'
  return 'ok'
}

/** Whether an answer can start a retry chain (408, 425, 429, 5xx or a dropped connection). */
function startsChain(entry: Pick<JournalEntry, 'status' | 'network'>): boolean {
  const o = outcomeOf(entry)
  return o === 'server' || o === 'network' || [408, 425, 429].includes(entry.status)
}

/** The `Retry-After` an answer gave, in ms (delta-seconds only, as the mock sends it). */
export function retryAfterMs(entry: Pick<JournalEntry, 'responseHeaders'>): number | undefined {
  const value = entry.responseHeaders?.['retry-after']?.trim()
  return value !== undefined && /^\d+$/.test(value) ? Number(value) * 1000 : undefined
}

/**
 * The live timeline: the shown session's requests on wall time (`receivedAt`), one lane per
 * operation, one mark per journal entry coloured by outcome, a flag on the ones a fault rule
 * answered, each `Retry-After` drawn as the span it asked the client to wait, and the attempts
 * of each retry chain (`GET /__mock/retries`) joined by a line. It redraws from the entries the
 * journal view polls, and at its own width, so it reads on a phone as on a desktop.
 */
export class TimelineView {
  readonly #entries = new Map<number, JournalEntry>()
  #chains: RetryChain[] = []
  /** Whether the server has `GET /__mock/retries`; without it attempts are drawn unjoined. */
  #hasRetries = true
  #width = 0

  constructor(
    private readonly ui: Ui,
    private readonly api: ControlApi,
  ) {
    const box = ui.byId('timeline-box')
    if (typeof ResizeObserver === 'function') {
      new ResizeObserver(() => {
        if (box.clientWidth !== this.#width) this.render()
      }).observe(box)
    }
  }

  /** Forgets every entry (another session, a reset, other filters). */
  clear(): void {
    this.#entries.clear()
    this.#chains = []
    this.render()
  }

  /** Adds newly polled entries and, when there are any, the session's retry chains; redraws. */
  async add(entries: readonly JournalEntry[]): Promise<void> {
    if (entries.length === 0) return
    for (const entry of entries) this.#entries.set(entry.id, entry)
    // Bound the map as the journal table bounds its rows.
    const ids = [...this.#entries.keys()].sort((a, b) => a - b)
    for (const id of ids.slice(0, Math.max(0, ids.length - 500))) this.#entries.delete(id)
    // A chain starts with a failed attempt, so until one is shown there is nothing to ask for.
    if (this.#hasRetries && [...this.#entries.values()].some(startsChain)) {
      try {
        const data = await this.api.call<{ chains?: RetryChain[] } | null>('GET', '/retries')
        // Anything but a list of chains (a dev server's page, say) means no such endpoint here.
        if (Array.isArray(data?.chains)) this.#chains = data.chains
        else this.#hasRetries = false
      } catch (error) {
        if ((error as { status?: number }).status === 404) this.#hasRetries = false
        else throw error
      }
    }
    this.render()
  }

  /** Redraws the SVG from the entries held. */
  render(): void {
    const { ui } = this
    const box = ui.byId('timeline-box')
    const svg = ui.root.querySelector<SVGSVGElement>('#irm-timeline') as SVGSVGElement
    this.#width = box.clientWidth
    const width = Math.max(280, this.#width)
    const entries = [...this.#entries.values()].sort((a, b) => a.id - b.id)
    ui.byId('timeline-empty').hidden = entries.length > 0
    const lanes = [...new Set(entries.map((e) => e.operation))]
    const height = AXIS_HEIGHT + Math.max(1, lanes.length) * LANE_HEIGHT + PAD
    svg.setAttribute('viewBox', `0 0 ${width} ${height}`)
    // Drawn at the box's width and scaled to it by CSS (width: 100%), so it always fits.
    svg.setAttribute('height', String(height))
    if (entries.length === 0) {
      svg.replaceChildren()
      return
    }

    const start = (e: JournalEntry) => Date.parse(e.receivedAt)
    const answered = (e: JournalEntry) => start(e) + Math.max(0, e.durationMs)
    let end = Math.max(...entries.map((e) => answered(e) + (retryAfterMs(e) ?? 0)))
    let from = Math.min(...entries.map(start))
    from = Math.max(from, end - WINDOW_MS)
    const plot = width - 2 * PAD
    // A narrow screen shows a shorter span, so marks a second apart stay apart.
    const minSpan = Math.max(3000, MIN_SPAN_MS * Math.min(1, plot / 1000))
    if (end - from < minSpan) end = from + minSpan
    const x = (ms: number) => PAD + ((ms - from) / (end - from)) * plot
    const laneY = (operation: string) => AXIS_HEIGHT + lanes.indexOf(operation) * LANE_HEIGHT

    const children: SVGElement[] = [this.#axis(from, end, x, height)]
    for (const operation of lanes) {
      const y = laneY(operation)
      children.push(
        el('g', { class: 'lane', 'data-lane': operation }, [
          el('rect', { x: 0, y, width, height: LANE_HEIGHT, class: 'lane-bg' }),
          el('text', { x: PAD, y: y + LABEL_BASELINE, class: 'lane-label' }, operation),
        ]),
      )
    }
    // Chains under the marks, so a join never hides an attempt.
    const byId = this.#entries
    for (const chain of this.#chains) {
      const points = chain.attempts
        .map((a) => byId.get(a.journalId))
        .filter((e): e is JournalEntry => e !== undefined)
      if (points.length < 2) continue
      const d = points
        .map(
          (e, i) =>
            `${i === 0 ? 'M' : 'L'}${x(start(e)).toFixed(1)},${laneY(e.operation) + CHAIN_Y}`,
        )
        .join(' ')
      children.push(
        el('path', {
          d,
          class: `chain ${chain.outcome}`,
          'data-chain': chain.attempts.map((a) => a.journalId).join(','),
          'data-outcome': chain.outcome,
        }),
      )
    }
    const labelled = statusLabelsThatFit(entries, x, width - PAD)
    for (const entry of entries) {
      children.push(this.#mark(entry, x, laneY(entry.operation), labelled.has(entry.id)))
    }
    svg.replaceChildren(...children)
  }

  #axis(from: number, end: number, x: (ms: number) => number, height: number): SVGElement {
    const span = end - from
    // About one tick per 90 px, on a round number of seconds.
    const want = span / Math.max(2, Math.floor((x(end) - x(from)) / 90))
    const step = [1, 2, 5, 10, 15, 30, 60].find((s) => s * 1000 >= want) ?? 60
    const ticks: SVGElement[] = []
    // The last label stops short of the right edge, where it would be cut.
    for (
      let t = Math.ceil(from / 1000 / step) * step * 1000;
      x(t) <= x(end) - 24;
      t += step * 1000
    ) {
      ticks.push(
        el('line', { x1: x(t), x2: x(t), y1: AXIS_HEIGHT - 4, y2: height - PAD, class: 'tick' }),
        // A label centred on a tick near the left edge would be cut in half: it starts there.
        el(
          'text',
          x(t) < PAD + HALF_LABEL
            ? { x: PAD, y: AXIS_HEIGHT - 8, class: 'tick-label edge' }
            : { x: x(t), y: AXIS_HEIGHT - 8, class: 'tick-label' },
          wallTime(new Date(t).toISOString()).slice(0, 8),
        ),
      )
    }
    return el('g', { class: 'axis', 'aria-hidden': 'true' }, ticks)
  }

  #mark(entry: JournalEntry, x: (ms: number) => number, y: number, labelled: boolean): SVGElement {
    const at = Date.parse(entry.receivedAt)
    const outcome = outcomeOf(entry)
    const x0 = x(at)
    const w = markWidth(entry, x)
    const status = entry.network ? `network ${entry.network}` : String(entry.status)
    const wait = retryAfterMs(entry)
    const title =
      `#${entry.id} ${entry.method} ${entry.path} → ${status} at ${wallTime(entry.receivedAt)}` +
      `, ${Math.round(entry.durationMs)} ms` +
      (entry.fault ? `, fault ${entry.fault}` : '') +
      (wait !== undefined ? `, Retry-After ${wait / 1000} s` : '')
    const parts: SVGElement[] = [el('title', {}, title)]
    if (wait !== undefined) {
      const x1 = x(at + Math.max(0, entry.durationMs))
      parts.push(
        el('rect', {
          x: x1,
          y: y + WAIT_TOP,
          width: Math.max(1, x(at + entry.durationMs + wait) - x1),
          height: WAIT_HEIGHT,
          class: 'retry-after',
          'data-retry-after-ms': wait,
        }),
      )
    }
    parts.push(
      el('rect', { x: x0, y: y + MARK_TOP, width: w, height: MARK_HEIGHT, rx: 2, class: 'mark' }),
    )
    if (entry.fault) {
      parts.push(
        el('path', {
          d: `M${x0},${y + STATUS_BASELINE} l5,-8 l5,8 z`,
          class: 'fault-mark',
          'data-fault': entry.fault,
        }),
      )
    }
    if (labelled) {
      parts.push(
        el(
          'text',
          { x: x0 + (entry.fault ? 12 : 0), y: y + STATUS_BASELINE, class: 'status-label' },
          statusText(entry),
        ),
      )
    }
    return el(
      'g',
      {
        class: `attempt ${outcome}`,
        'data-journal-id': entry.id,
        'data-outcome': outcome,
        'data-status': entry.status,
      },
      parts,
    )
  }
}

/** What a mark's label says: the status, or how the connection dropped (`reset`). */
export function statusText(entry: Pick<JournalEntry, 'status' | 'network'>): string {
  return entry.network ?? (entry.status === 0 ? 'none' : String(entry.status))
}

/** A mark's width, px: its duration, at least 5 px so a fast answer still shows. */
function markWidth(entry: JournalEntry, x: (ms: number) => number): number {
  const at = Date.parse(entry.receivedAt)
  return Math.max(5, x(at + Math.max(0, entry.durationMs)) - x(at))
}

/**
 * The ids of the entries whose status label fits: in each lane, left to right, a label (after
 * its ▲, if any) is drawn only where it ends before the next mark begins and before `right`, so
 * labels never overlap one another or another mark's ▲. One pass per lane: linear in entries.
 */
function statusLabelsThatFit(
  entries: readonly JournalEntry[],
  x: (ms: number) => number,
  right: number,
): Set<number> {
  const fits = new Set<number>()
  const lanes = new Map<string, JournalEntry[]>()
  for (const e of entries) {
    const lane = lanes.get(e.operation)
    if (lane) lane.push(e)
    else lanes.set(e.operation, [e])
  }
  for (const lane of lanes.values()) {
    const at = (e: JournalEntry) => x(Date.parse(e.receivedAt))
    lane.sort((a, b) => at(a) - at(b) || a.id - b.id)
    lane.forEach((e, i) => {
      const next = lane[i + 1]
      const end = at(e) + (e.fault ? 12 : 0) + statusText(e).length * STATUS_CHAR
      const limit = Math.min(right, next ? at(next) - 3 : right)
      if (end <= limit) fits.add(e.id)
    })
  }
  return fits
}

/** An SVG element with attributes and children (text or elements), built with DOM methods. */
function el(
  tag: string,
  attrs: Record<string, string | number>,
  children: ReadonlyArray<SVGElement> | string = [],
): SVGElement {
  const node = document.createElementNS(SVG, tag) as SVGElement
  for (const [key, value] of Object.entries(attrs)) {
    node.setAttribute(key, typeof value === 'number' ? String(Math.round(value * 10) / 10) : value)
  }
  if (typeof children === 'string') node.textContent = children
  else node.append(...children)
  return node
}
