import { ControlApi, type Health } from './api.ts'
import { Ui } from './dom.ts'
import { DriftView } from './drift.ts'
import { FaultsView } from './faults.ts'
import { JournalView } from './journal.ts'
import { TimelineView } from './timeline.ts'

/** Settings of {@link startDashboard}; all optional. */
export interface DashboardOptions {
  /** Where the control API lives (default `/__mock`). */
  base?: string
  /** How often the journal, rules, sessions and (in proxy mode) drift are polled, in ms (default 1000). */
  pollMs?: number
  /** The session shown first (default `default`). */
  session?: string
  /** Called with the session's name whenever another session is shown (the page puts it in the URL). */
  onSessionChange?: (session: string) => void
}

/** A running dashboard. */
export interface RunningDashboard {
  /** Ends polling. */
  stop(): void
}

/**
 * Runs the dashboard inside `root` (the served page's document, or the shadow root that
 * `mountDashboard` fills with {@link DASHBOARD_MARKUP}): it talks only to the control API of the
 * session it shows, polling the journal and rules.
 */
export function startDashboard(
  root: Document | ShadowRoot,
  options: DashboardOptions = {},
): RunningDashboard {
  const ui = new Ui(root)
  const api = new ControlApi(options.session ?? 'default', options.base)
  const pollMs = options.pollMs ?? 1000
  const faults = new FaultsView(ui, api)
  const timeline = new TimelineView(ui, api)
  const journal = new JournalView(
    ui,
    api,
    () => faults.rules,
    (added) => {
      if (added === null) timeline.clear()
      else timeline.add(added).catch((error: Error) => ui.announce(error.message, true))
    },
  )
  const drift = new DriftView(ui, api)
  let opKey = ''
  let shownForm = ''
  let scenario = ''
  let tick = 0
  let timer: ReturnType<typeof setTimeout> | undefined
  let stopped = false

  // Health: version, session summary, the operations behind the switches and filters.
  async function refreshHealth(): Promise<void> {
    const health = await api.call<Health>('GET', '/health')
    ui.byId('version').textContent = `v${health.version}`
    ui.byId('summary').textContent =
      `session ${health.session} · scenario ${health.scenario} · seed ${health.seed} · ` +
      `${health.sessions} ${health.sessions === 1 ? 'session' : 'sessions'} · auth ${health.auth ? 'on' : 'off'}`
    // Fill the reset form only when the session's scenario or seed changed, so a choice someone
    // is still making survives the polling.
    const shown = `${health.session} ${health.scenario} ${health.seed}`
    scenario = health.scenario
    if (shown !== shownForm) {
      shownForm = shown
      ui.byId<HTMLInputElement>('seed').value = String(health.seed)
      ui.byId<HTMLSelectElement>('scenario').value = health.scenario
      describeScenario()
    }
    const key = health.operations.map((o) => o.id).join(',')
    if (key !== opKey) {
      opKey = key
      const vendors = [...new Set(health.operations.map((o) => o.id.split('.')[0] ?? ''))]
      journal.setOperations(
        health.operations.map((o) => o.id),
        vendors,
      )
      faults.setOperations(health.operations, vendors)
    }
  }

  async function refreshScenarios(): Promise<void> {
    const scenarios = await api.call<Array<{ name: string; description: string }>>(
      'GET',
      '/scenarios',
    )
    const select = ui.byId<HTMLSelectElement>('scenario')
    select.replaceChildren(
      ...scenarios.map((s) =>
        ui.el('option', {
          value: s.name,
          title: s.description,
          'data-description': s.description,
          text: s.name,
        }),
      ),
    )
    if (scenario) select.value = scenario
    describeScenario()
  }

  /** The chosen scenario's description goes below the select: a whole sentence never fits in it. */
  function describeScenario(): void {
    const select = ui.byId<HTMLSelectElement>('scenario')
    ui.byId('scenario-about').textContent = select.selectedOptions[0]?.dataset.description ?? ''
  }
  ui.byId('scenario').addEventListener('change', describeScenario)

  async function refreshSessions(): Promise<void> {
    const { sessions } = await api.call<{ sessions: string[] }>('GET', '/sessions')
    ui.byId('session-list').replaceChildren(
      ...sessions.map((name) => ui.el('option', { value: name })),
    )
  }

  async function showSession(name: string): Promise<void> {
    api.session = name
    ui.byId<HTMLInputElement>('session').value = name
    journal.restart()
    await Promise.all([refreshHealth(), faults.refresh(), refreshSessions(), drift.refresh()])
    await journal.refresh(true)
  }

  ui.byId('session-form').addEventListener('submit', (event) => {
    event.preventDefault()
    const name = ui.byId<HTMLInputElement>('session').value.trim()
    showSession(name).then(
      () => {
        options.onSessionChange?.(name)
        ui.announce(`Showing session ${name}`)
      },
      (error: Error) => ui.announce(error.message, true),
    )
  })
  ui.byId('reset-form').addEventListener('submit', (event) => {
    event.preventDefault()
    const body: { scenario: string; seed?: number } = {
      scenario: ui.byId<HTMLSelectElement>('scenario').value,
    }
    const seed = ui.byId<HTMLInputElement>('seed').value.trim()
    if (seed !== '') body.seed = Number(seed)
    api
      .call<{ session: string; scenario: string; seed: number }>('POST', '/reset', body)
      .then((result) => {
        ui.announce(
          `Session ${result.session} reset to scenario ${result.scenario}, seed ${result.seed}`,
        )
        return showSession(api.session)
      })
      .catch((error: Error) => ui.announce(`Reset failed: ${error.message}`, true))
  })

  const unreachable = (error: Error) =>
    ui.announce(`Cannot reach the mock control API at ${api.base}: ${error.message}`, true)

  async function poll(): Promise<void> {
    if (stopped) return
    tick++
    try {
      const work = [journal.refresh(false), faults.refresh()]
      // Drift is polled every time only in proxy mode; otherwise it only checks now and then.
      if (drift.proxied.length > 0 || tick % 5 === 0) work.push(drift.refresh())
      if (tick % 5 === 0) work.push(refreshHealth(), refreshSessions())
      await Promise.all(work)
      const region = ui.byId('announce')
      if (region.className === 'error' && /reach/.test(region.textContent ?? '')) {
        ui.announce('Connected again')
      }
    } catch (error) {
      unreachable(error as Error)
    }
    if (!stopped) timer = setTimeout(poll, pollMs)
  }

  ui.byId<HTMLInputElement>('session').value = api.session
  Promise.all([
    refreshHealth(),
    refreshScenarios(),
    refreshSessions(),
    faults.refresh(),
    drift.refresh(),
  ])
    .then(() => journal.refresh(true))
    .then(() => ui.root.querySelector('.irm')?.setAttribute('data-ready', 'true'))
    .catch(unreachable)
    .then(() => {
      if (!stopped) timer = setTimeout(poll, pollMs)
    })

  return {
    stop() {
      stopped = true
      clearTimeout(timer)
    },
  }
}
