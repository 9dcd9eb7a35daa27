import type { ControlApi, FaultRule, JournalEntry, JournalPage } from './api.ts'
import { describe, type Ui } from './dom.ts'

/**
 * The headers a row's details show: `Retry-After`, the request ids vendors and clients send
 * (`X-Request-Id`, `X-Snowflake-Request-ID`, …) and the mock's own (`X-Mock-Fault`,
 * `X-Mock-Delay`). The journal keeps every header; these are the ones a retry story needs.
 */
export const NOTABLE_HEADER = /^(retry-after|x-mock-(fault|delay)|.*request-?id)$/i

/** `HH:MM:SS.mmm` of an ISO instant, in UTC as the journal records it. */
export function wallTime(iso: string): string {
  return iso.slice(11, 23)
}

/** Rows kept in the table; older ones drop off the end. */
const MAX_ROWS = 500

/**
 * The journal table: newest first, polled with `afterId` so only new entries travel, filtered
 * live as the user types, each row opening onto its request id, bodies and fault.
 */
export class JournalView {
  #lastId = 0
  #size = 0
  /** Bumped whenever the table starts over, so answers to older queries are dropped. */
  #generation = 0
  readonly #entries = new Map<number, JournalEntry>()

  constructor(
    private readonly ui: Ui,
    private readonly api: ControlApi,
    /** The session's current rules, to describe the fault an entry names. */
    private readonly rules: () => readonly FaultRule[],
    /** Told of the entries each poll adds, and of every start-over (`null`): the timeline. */
    private readonly listener: (added: JournalEntry[] | null) => void = () => {},
  ) {
    ui.byId('journal-filters').addEventListener('submit', (event) => event.preventDefault())
    const restart = () => {
      this.clear()
      this.refresh(true).catch((error: Error) => ui.announce(error.message, true))
    }
    // Every filter applies as it changes: typing, pasting, clearing or choosing.
    ui.byId('filter-vendor').addEventListener('change', restart)
    for (const id of ['filter-operation', 'filter-status']) {
      ui.byId(id).addEventListener('input', restart)
    }
    const pause = ui.byId<HTMLInputElement>('pause')
    pause.addEventListener('change', () =>
      ui.announce(pause.checked ? 'Journal paused' : 'Journal live'),
    )
  }

  /** Fills the vendor filter and the operation suggestions, keeping the current choice. */
  setOperations(operationIds: string[], vendors: string[]): void {
    const { ui } = this
    const select = ui.byId<HTMLSelectElement>('filter-vendor')
    const chosen = select.value
    select.replaceChildren(
      ui.el('option', { value: '', text: 'any' }),
      ...vendors.map((v) => ui.el('option', { value: v, text: v })),
    )
    select.value = vendors.includes(chosen) ? chosen : ''
    ui.byId('operation-list').replaceChildren(
      ...vendors.map((v) => ui.el('option', { value: `${v}.*` })),
      ...operationIds.map((id) => ui.el('option', { value: id })),
    )
  }

  /** Empties the table; the next refresh starts from the first entry. */
  clear(): void {
    this.#generation++
    this.#lastId = 0
    this.#entries.clear()
    this.listener(null)
    this.ui.byId('journal-body').replaceChildren()
    this.#updateCount()
  }

  /** Forgets the journal's size too (another session is shown). */
  restart(): void {
    this.#size = 0
    this.clear()
  }

  /** Adds entries newer than the last one shown; `initial` also runs while paused. */
  async refresh(initial: boolean): Promise<void> {
    if (this.ui.byId<HTMLInputElement>('pause').checked && !initial) return
    const generation = this.#generation
    const data = await this.api.call<JournalPage>('GET', `/journal?${this.#query()}`)
    if (generation !== this.#generation) return
    // A smaller journal means it was cleared (a reset elsewhere): start over.
    if (data.size < this.#size) {
      this.#size = data.size
      this.clear()
      return this.refresh(true)
    }
    this.#size = data.size
    const body = this.ui.byId<HTMLTableSectionElement>('journal-body')
    const added: JournalEntry[] = []
    for (const entry of data.entries) {
      if (entry.id <= this.#lastId) continue
      this.#lastId = entry.id
      this.#entries.set(entry.id, entry)
      added.push(entry)
      body.prepend(this.#row(entry, !initial))
    }
    this.listener(added)
    const rows = body.querySelectorAll<HTMLTableRowElement>('tr[data-id]')
    for (let i = MAX_ROWS; i < rows.length; i++) this.#close(rows[i] as HTMLTableRowElement, true)
    this.#updateCount()
  }

  #query(): URLSearchParams {
    const { ui } = this
    const q = new URLSearchParams()
    const vendor = ui.byId<HTMLSelectElement>('filter-vendor').value
    const operation = ui.byId<HTMLInputElement>('filter-operation').value.trim()
    const status = ui.byId<HTMLInputElement>('filter-status').value.trim()
    if (vendor) q.set('vendor', vendor)
    if (operation) q.set('operation', operation)
    // A half-typed or invalid status filters nothing rather than failing every poll.
    if (/^\d{1,3}$/.test(status)) q.set('status', status)
    if (this.#lastId > 0) q.set('afterId', String(this.#lastId))
    q.set('limit', String(MAX_ROWS))
    return q
  }

  #updateCount(): void {
    const { ui } = this
    const rows = ui.byId('journal-body').querySelectorAll('tr[data-id]').length
    const empty = ui.byId('journal-empty')
    empty.hidden = rows > 0
    // An empty list under a filter says so, rather than looking like a session with no requests.
    const filtered = ['filter-vendor', 'filter-operation', 'filter-status'].some(
      (id) => ui.byId<HTMLInputElement>(id).value.trim() !== '',
    )
    empty.textContent = filtered ? 'No requests match the filters.' : 'No requests yet.'
    this.ui.byId('journal-count').textContent = rows > 0 ? `(${rows} shown)` : ''
  }

  #row(entry: JournalEntry, fresh: boolean): HTMLTableRowElement {
    const { ui } = this
    const query = new URLSearchParams()
    for (const [key, value] of Object.entries(entry.query)) {
      for (const v of ([] as string[]).concat(value)) query.append(key, v)
    }
    const search = query.toString()
    const status = entry.network ? `network ${entry.network}` : String(entry.status)
    const cls = `s${String(entry.network ? 0 : entry.status).charAt(0)}`
    const open = ui.el('button', {
      type: 'button',
      class: 'open',
      'aria-expanded': 'false',
      'aria-controls': `irm-entry-${entry.id}`,
      'aria-label': `Details of request ${entry.id}`,
      text: String(entry.id),
    })
    const row = ui.el(
      'tr',
      {
        'data-id': String(entry.id),
        'data-operation': entry.operation,
        'data-status': String(entry.status),
        class: fresh ? 'new' : '',
      },
      [
        ui.el('td', { class: 'num' }, [open]),
        ui.el('td', {
          class: 'mono time',
          title: `received ${entry.receivedAt} (wall clock); session clock ${entry.time}`,
          text: wallTime(entry.receivedAt),
        }),
        ui.el('td', { class: 'mono' }, [...ui.breakable(entry.operation), this.#badge(entry)]),
        ui.el(
          'td',
          { class: 'mono', ...(entry.hint ? { title: entry.hint } : {}) },
          ui.breakable(`${entry.method} ${entry.path}${search ? `?${search}` : ''}`),
        ),
        ui.el('td', { class: `status ${cls}`, text: status }),
        ui.el('td', { class: 'num', text: String(Math.round(entry.durationMs)) }),
        ui.el('td', { class: 'fault mono' }, ui.breakable(entry.fault ?? '')),
      ],
    )
    open.addEventListener('click', () => {
      if (open.getAttribute('aria-expanded') === 'true') this.#close(row, false)
      else row.after(this.#detail(entry))
      open.setAttribute('aria-expanded', String(open.getAttribute('aria-expanded') !== 'true'))
    })
    // The whole row opens too (the caption says "open a row"); the button stays the keyboard's
    // way in. Selecting text in a row (to copy a path) does not toggle it.
    row.addEventListener('click', (event) => {
      if (event.target instanceof Element && event.target.closest('button, a')) return
      if ((row.ownerDocument.getSelection()?.toString() ?? '') !== '') return
      open.click()
    })
    return row
  }

  /** A proxied exchange's violation count, or nothing when it had none. */
  #badge(entry: JournalEntry): HTMLElement | null {
    const n = entry.violations?.length ?? 0
    if (n === 0) return null
    return this.ui.el('span', {
      class: 'badge',
      'data-violations': String(n),
      title: 'Contract violations in this proxied exchange; open the row for them',
      text: `${n} ${n === 1 ? 'violation' : 'violations'}`,
    })
  }

  /** Removes a row's open details, and with `andRow` the row itself. */
  #close(row: HTMLTableRowElement, andRow: boolean): void {
    const next = row.nextElementSibling
    if (next?.classList.contains('detail')) next.remove()
    if (andRow) {
      this.#entries.delete(Number(row.dataset.id))
      row.remove()
    }
  }

  /** The headers that tell a retry story ({@link NOTABLE_HEADER}), or a note that none came. */
  #headers(headers: Record<string, string>): Node {
    const { ui } = this
    const shown = Object.entries(headers).filter(([name]) => NOTABLE_HEADER.test(name))
    if (shown.length === 0) return ui.el('span', { class: 'muted', text: 'none of note' })
    return ui.el(
      'ul',
      { class: 'plain mono' },
      shown.map(([name, value]) => ui.el('li', { 'data-header': name, text: `${name}: ${value}` })),
    )
  }

  #detail(entry: JournalEntry): HTMLTableRowElement {
    const { ui } = this
    const body = (text: string | null, truncated: boolean, what: string) =>
      text === null
        ? ui.el('span', { class: 'muted', text: `no ${what} body` })
        : ui.el('pre', { text: truncated ? `${text}… (cut short)` : text })
    const rule = entry.fault ? this.rules().find((r) => r.id === entry.fault) : undefined
    const fault = entry.fault
      ? `${entry.fault}${rule ? `: ${describe(rule.effect)}` : ' (rule since removed)'}`
      : 'none'
    const item = (term: string, key: string, value: Node | string) =>
      [ui.el('dt', { text: term }), ui.el('dd', { 'data-field': key }, [value])] as const
    return ui.el(
      'tr',
      { class: 'detail', id: `irm-entry-${entry.id}`, 'data-detail': String(entry.id) },
      [
        ui.el('td', { colspan: '7' }, [
          ui.el('dl', null, [
            ...item('Request id', 'requestId', ui.el('code', { text: entry.requestId })),
            ...item(
              'Received',
              'receivedAt',
              `${entry.receivedAt} (wall clock) · session clock ${entry.time}`,
            ),
            ...item('Request headers', 'requestHeaders', this.#headers(entry.requestHeaders)),
            ...item('Response headers', 'responseHeaders', this.#headers(entry.responseHeaders)),
            ...item(
              'Request body',
              'requestBody',
              body(entry.requestBody, entry.requestBodyTruncated, 'request'),
            ),
            ...item(
              'Response body',
              'responseBody',
              entry.network
                ? ui.el('span', {
                    class: 'muted',
                    text: `none: the connection was dropped (${entry.network})`,
                  })
                : body(
                    entry.responseBody ?? null,
                    entry.responseBodyTruncated ?? false,
                    'response',
                  ),
            ),
            ...(entry.hint ? item('No such route', 'hint', entry.hint) : []),
            ...item('Fault applied', 'fault', fault),
            ...(entry.violations?.length
              ? item(
                  'Contract violations',
                  'violations',
                  ui.el(
                    'ul',
                    { class: 'plain' },
                    entry.violations.map((v) =>
                      ui.el('li', { 'data-where': v.where, 'data-path': v.path, text: v.message }),
                    ),
                  ),
                )
              : []),
          ]),
        ]),
      ],
    )
  }
}
