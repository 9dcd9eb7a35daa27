import type { ControlApi, OperationViolations, ViolationsReport } from './api.ts'
import type { Ui } from './dom.ts'

/**
 * Proxy mode's drift: the proxied vendors in the header and the Drift panel, from
 * `GET /__mock/violations` for the session shown. Both stay hidden when nothing is proxied.
 */
export class DriftView {
  /** Vendors answered by their real service; empty outside proxy mode. */
  proxied: string[] = []
  /** The last report drawn, so an unchanged one leaves the panel (and any selection) alone. */
  #shown = ''

  constructor(
    private readonly ui: Ui,
    private readonly api: ControlApi,
  ) {}

  /** Fetches the session's report and redraws what changed. */
  async refresh(): Promise<void> {
    const report = await this.api.call<ViolationsReport>('GET', '/violations')
    const key = JSON.stringify(report)
    if (key === this.#shown) return
    this.#shown = key
    this.proxied = report.proxied
    const { ui } = this
    const on = report.proxied.length > 0
    const header = ui.byId('proxied')
    header.hidden = !on
    header.textContent = on ? `proxied: ${report.proxied.join(', ')}` : ''
    ui.byId('drift').hidden = !on
    ui.byId('drift-body').replaceChildren(...report.operations.map((op) => this.#row(op)))
    ui.byId('drift-empty').hidden = report.operations.length > 0
  }

  #row(op: OperationViolations): HTMLTableRowElement {
    const { ui } = this
    const paths = Object.entries(op.paths).map(([path, n]) =>
      ui.el('li', { 'data-path': path, text: `${path} ×${n}` }),
    )
    const sample = op.sample.map((v) => ui.el('li', { text: v.message }))
    return ui.el('tr', { 'data-operation': op.operation }, [
      ui.el('th', { scope: 'row', class: 'mono' }, ui.breakable(op.operation)),
      ui.el('td', { class: 'num', 'data-counter': 'exchanges', text: String(op.exchanges) }),
      ui.el('td', {
        class: 'num',
        'data-counter': 'violations',
        text: `${op.violations} (${op.byWhere.request} request, ${op.byWhere.response} response)`,
      }),
      ui.el('td', { class: 'mono' }, [ui.el('ul', { class: 'plain', 'data-paths': '' }, paths)]),
      ui.el('td', { class: 'mono' }, [ui.el('ul', { class: 'plain', 'data-sample': '' }, sample)]),
    ])
  }
}
