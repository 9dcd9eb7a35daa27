import { compileGlob } from '../../../core/glob.ts'
import type { ControlApi, FaultRule, OperationInfo } from './api.ts'
import { describe, type Ui } from './dom.ts'
import { FaultForm, kindLabel, kindOf, kindsFor, quotaText, windowState } from './fault-form.ts'

/** The id of the rule a switch owns: `dash.<operation>`, cut to the 64 characters ids allow. */
export function switchRuleId(operation: string): string {
  return `dash.${operation}`.slice(0, 64)
}

/**
 * Whether `rule` can fire on requests to `op`: its operation glob and method must fit, and a path
 * glob must fit the operation's route, where each `{parameter}` stands for any one segment.
 */
export function affects(rule: FaultRule, op: OperationInfo): boolean {
  const { operation, method, path } = rule.match
  if (operation !== undefined && !compileGlob(operation).test(op.id)) return false
  if (method !== undefined && method !== op.method) return false
  if (path === undefined) return true
  // Either side may be the general one: the glob against the template, or the template (with
  // parameters as wildcards) against the glob's literal text.
  if (compileGlob(path, { ignoreCase: false }).test(op.path)) return true
  const template = compileGlob(op.path.replace(/\{[^}]+\}/g, '*'), { ignoreCase: false })
  return template.test(path.replace(/[*?]/g, 'x'))
}

/** The fault switches (one per operation) and the table of every rule in the session. */
export class FaultsView {
  rules: FaultRule[] = []
  /** The session clock's time when the rules were fetched, ms (windows are on that clock). */
  #now = 0
  readonly #form: FaultForm
  #operations: OperationInfo[] = []
  /** Operations whose switch is being applied: polling must not flip them back meanwhile. */
  readonly #busy = new Set<string>()

  constructor(
    private readonly ui: Ui,
    private readonly api: ControlApi,
  ) {
    this.#form = new FaultForm(ui)
    ui.byId('switch-options').addEventListener('submit', (event) => event.preventDefault())
    ui.byId('op-filter').addEventListener('input', () => this.#filter())
    ui.byId('clear-faults').addEventListener('click', () => {
      this.api
        .call('DELETE', '/faults')
        .then(
          () => ui.announce('Removed every fault rule'),
          (error: Error) => ui.announce(error.message, true),
        )
        .then(() => this.refresh())
        .catch(() => {})
    })
  }

  /** Rebuilds the switches table for `operations`, grouped by vendor. */
  setOperations(operations: OperationInfo[], vendors: string[]): void {
    this.#operations = operations
    const { ui } = this
    const table = ui.byId<HTMLTableElement>('switches')
    for (const body of [...table.tBodies]) body.remove()
    for (const vendor of vendors) {
      const body = ui.el('tbody', { 'data-vendor': vendor }, [
        ui.el('tr', null, [ui.el('th', { scope: 'rowgroup', colspan: '5', text: vendor })]),
      ])
      for (const op of operations.filter((o) => o.id.split('.')[0] === vendor)) {
        const select = ui.el(
          'select',
          { 'aria-label': `Fault for ${op.id}`, 'data-operation': op.id },
          kindsFor(op).map(([value, label]) => ui.el('option', { value, text: label })),
        )
        select.addEventListener('change', () => void this.#apply(op.id, select))
        body.append(
          ui.el('tr', { 'data-operation': op.id }, [
            ui.el('th', { scope: 'row', class: 'mono' }, ui.breakable(op.id)),
            ui.el('td', { class: 'mono' }, ui.breakable(`${op.method} ${op.path}`)),
            ui.el('td', null, [select, ui.el('ul', { class: 'others', 'data-others': '' })]),
            ui.el('td', { class: 'num', 'data-counter': 'matched', text: '0' }),
            ui.el('td', { class: 'num', 'data-counter': 'fired', text: '0' }),
          ]),
        )
      }
      table.append(body)
    }
    this.#filter()
    this.render()
  }

  /** Fetches the session's rules and redraws. */
  async refresh(): Promise<void> {
    const { rules } = await this.api.call<{ rules: FaultRule[] }>('GET', '/faults')
    // Windows and quota windows are on the session clock, which a test may have moved anywhere:
    // ask it, not Date.
    if (rules.some((r) => r.window || r.quotaUsage)) {
      this.#now = (await this.api.call<{ nowMs: number }>('GET', '/clock')).nowMs
    }
    this.rules = rules
    this.render()
  }

  /** Draws the rules table, and each switch's position, other rules and summed counters. */
  render(): void {
    const { ui } = this
    ui.byId('rules-body').replaceChildren(...this.rules.map((rule) => this.#ruleRow(rule)))
    ui.byId('rules-empty').hidden = this.rules.length > 0
    for (const row of ui.root.querySelectorAll<HTMLTableRowElement>(
      '#irm-switches tr[data-operation]',
    )) {
      const id = row.dataset.operation ?? ''
      const op = this.#operations.find((o) => o.id === id)
      if (!op) continue
      const own = this.rules.find((r) => r.id === switchRuleId(id))
      const others = this.rules.filter((r) => r !== own && affects(r, op))
      const select = row.querySelector('select') as HTMLSelectElement
      // A rule this switch does not offer (made elsewhere under its id) shows as custom.
      let kind = own ? kindOf(own) : 'off'
      if (!select.querySelector(`option[value="${kind}"]`) && kind !== 'other') kind = 'other'
      if (kind === 'other' && !select.querySelector('option[value=other]')) {
        select.append(ui.el('option', { value: 'other', text: 'custom rule' }))
      }
      if (!this.#busy.has(id) && !ui.focused(select)) select.value = kind
      ;(row.querySelector('[data-others]') as HTMLElement).replaceChildren(
        ...others.map((rule) =>
          ui.el('li', {
            'data-rule': rule.id,
            text: `+ ${rule.id}: ${describe(rule.effect)}${this.#limits(rule) ? ` (${this.#limits(rule)})` : ''}`,
          }),
        ),
      )
      row.classList.toggle('affected', others.length > 0)
      // Every rule that can fire here counts, so a switch never reads 0 while a rule fires on it.
      const counted = own ? [own, ...others] : others
      const sum = (key: 'matched' | 'fired') => counted.reduce((n, r) => n + r[key], 0)
      ;(row.querySelector('[data-counter=matched]') as HTMLElement).textContent = String(
        sum('matched'),
      )
      const fired = row.querySelector('[data-counter=fired]') as HTMLElement
      fired.textContent = String(sum('fired'))
      // The switch's own rule with a limit shows how far it has got: "1/2", then "2/2" when spent.
      if (own?.times !== undefined) {
        fired.textContent = `${sum('fired')}/${own.times}`
        fired.title = `${own.id} fired ${own.fired} of ${own.times} times`
      } else fired.removeAttribute('title')
      // An on switch stands out; one whose rule has used up its times reads as done.
      row.dataset.state = !own ? 'off' : spent(own) ? 'spent' : 'on'
    }
  }

  /** Every limit of a rule in words: counts, then where its window stands, then its quota. */
  #limits(rule: FaultRule): string {
    return [limitsOf(rule), windowState(rule, this.#now), quotaText(rule, this.#now)]
      .filter(Boolean)
      .join('; ')
  }

  #ruleRow(rule: FaultRule): HTMLTableRowElement {
    const { ui } = this
    const remove = ui.el('button', {
      type: 'button',
      'aria-label': `Remove rule ${rule.id}`,
      text: 'Remove',
    })
    remove.addEventListener('click', () => void this.#remove(rule.id))
    return ui.el('tr', { 'data-rule': rule.id, 'data-state': spent(rule) ? 'spent' : 'on' }, [
      ui.el('th', { scope: 'row', class: 'mono' }, ui.breakable(rule.id)),
      ui.el('td', { 'data-kind': kindOf(rule), text: kindLabel(rule) }),
      ui.el('td', { class: 'mono' }, ui.breakable(describe(rule.match) || 'every request')),
      ui.el('td', { class: 'mono' }, ui.breakable(describe(rule.effect))),
      ui.el('td', { class: 'mono', text: limitsOf(rule) }),
      ui.el('td', {
        'data-state': 'window',
        text: [windowState(rule, this.#now), quotaText(rule, this.#now)].filter(Boolean).join('; '),
      }),
      ui.el('td', { class: 'num', 'data-counter': 'matched', text: String(rule.matched) }),
      ui.el('td', {
        class: 'num',
        'data-counter': 'fired',
        title: rule.times === undefined ? undefined : `fired ${rule.fired} of ${rule.times} times`,
        text: rule.times === undefined ? String(rule.fired) : `${rule.fired}/${rule.times}`,
      }),
      ui.el('td', null, [remove]),
    ])
  }

  #filter(): void {
    const needle = this.ui.byId<HTMLInputElement>('op-filter').value.trim().toLowerCase()
    for (const row of this.ui.root.querySelectorAll<HTMLTableRowElement>(
      '#irm-switches tr[data-operation]',
    )) {
      row.hidden = needle !== '' && !(row.dataset.operation ?? '').toLowerCase().includes(needle)
    }
  }

  async #apply(operation: string, select: HTMLSelectElement): Promise<void> {
    const kind = select.value
    if (kind === 'other') return
    const id = switchRuleId(operation)
    this.#busy.add(operation)
    select.setAttribute('aria-busy', 'true')
    try {
      // Read before anything is removed, so a bad input leaves the old rule in place.
      const rule = kind === 'off' ? undefined : this.#form.rule(id, operation, kind)
      if (this.rules.some((r) => r.id === id)) {
        await this.api
          .call('DELETE', `/faults/${encodeURIComponent(id)}`)
          .catch((error: { status?: number }) => {
            if (error.status !== 404) throw error
          })
      }
      if (rule) await this.api.call('POST', '/faults', rule)
      const label = select.selectedOptions[0]?.textContent ?? kind
      const limits = rule
        ? describe({ ...rule, id: undefined, match: undefined, effect: undefined })
        : ''
      this.ui.announce(
        kind === 'off'
          ? `${operation}: fault off`
          : `${operation}: ${label} on${limits ? ` (${limits})` : ''}`,
      )
    } catch (error) {
      this.ui.announce(`${operation}: ${(error as Error).message}`, true)
    } finally {
      this.#busy.delete(operation)
      select.removeAttribute('aria-busy')
      await this.refresh().catch(() => {})
    }
  }

  async #remove(id: string): Promise<void> {
    try {
      await this.api.call('DELETE', `/faults/${encodeURIComponent(id)}`)
      this.ui.announce(`Removed fault rule ${id}`)
    } catch (error) {
      this.ui.announce((error as Error).message, true)
    }
    await this.refresh().catch(() => {})
  }
}

/** Whether a rule has fired all the `times` it may. */
function spent(rule: FaultRule): boolean {
  return rule.times !== undefined && rule.fired >= rule.times
}

/** A rule's counting limits (`times=2 every=3 …`), empty when it fires on every match. */
function limitsOf(rule: FaultRule): string {
  const { times, after, every, probability, seed } = rule
  return describe({ times, after, every, probability, seed })
}
