import {
  ApiError,
  type ApiSettings,
  cycleClient,
  type ImageRepository,
  type ImageSource,
  snowflakeClient,
  waitForJob,
} from './clients.ts'
import { type ExampleConfig, readConfig } from './config.ts'
import type { RecoveredEvent, RetryEvent } from './retry.ts'

/**
 * The example app: lists Snowflake image repositories and Cycle image sources, creates and
 * deletes them, and shows every retry. It talks to the msw worker in this page by default, or to
 * the standalone server with `?target=server&port=4010`.
 */

const env = (import.meta as unknown as { env?: Record<string, string | undefined> }).env ?? {}

function byId<T extends HTMLElement>(id: string): T {
  const node = document.getElementById(id)
  if (!node) throw new Error(`the page has no #${id}`)
  return node as T
}

function setStatus(id: string, message: string, isError = false): void {
  const status = byId(id)
  status.textContent = message
  status.classList.toggle('error', isError)
}

function describeError(error: unknown): string {
  if (error instanceof ApiError) return `${error.status} ${error.code}: ${error.message}`
  return error instanceof Error ? error.message : String(error)
}

/** `text` with a line-break opportunity after each `/`, `.` and `_`, so URLs, paths and names wrap between parts. */
function withBreaks(text: string): Node[] {
  return text
    .split(/(?<=[/._])/)
    .flatMap((part, i) => (i === 0 ? [part] : [document.createElement('wbr'), part]))
    .map((part) => (typeof part === 'string' ? document.createTextNode(part) : part))
}

function cell(text: string, code = false): HTMLTableCellElement {
  const td = document.createElement('td')
  if (code) {
    const c = document.createElement('code')
    c.append(...withBreaks(text))
    td.append(c)
  } else {
    td.append(...withBreaks(text))
  }
  return td
}

function logRetry(vendor: string, event: RetryEvent): void {
  const item = document.createElement('li')
  item.className = 'retry'
  item.dataset.vendor = vendor
  item.dataset.status = String(event.status)
  item.dataset.delayMs = String(event.delayMs)
  if (event.retryAfterMs !== undefined) item.dataset.retryAfterMs = String(event.retryAfterMs)
  const what = event.status === 0 ? 'network error' : String(event.status)
  const hint =
    event.retryAfterMs === undefined ? '' : ` (Retry-After ${event.retryAfterMs / 1000} s)`
  const path = new URL(event.url, location.href).pathname
  item.append(
    ...withBreaks(
      `${vendor} ${event.method} ${path}: attempt ${event.attempt} got ${what}${hint}, retrying in ${event.delayMs} ms`,
    ),
  )
  // Oldest first, so "1." is the first retry and the list reads in the order things happened.
  byId('retry-log').append(item)
}

function logRecovered(vendor: string, event: RecoveredEvent): void {
  const item = document.createElement('li')
  item.dataset.vendor = vendor
  item.dataset.status = String(event.status)
  const ok = event.status >= 200 && event.status < 300
  item.className = ok ? 'succeeded' : 'settled'
  const path = new URL(event.url, location.href).pathname
  const retries = `${event.attempt - 1} ${event.attempt === 2 ? 'retry' : 'retries'}`
  item.append(
    ...withBreaks(
      ok
        ? `${vendor} ${event.method} ${path}: attempt ${event.attempt} got ${event.status}, succeeded after ${retries}`
        : `${vendor} ${event.method} ${path}: attempt ${event.attempt} got ${event.status} after ${retries}, not retried`,
    ),
  )
  byId('retry-log').append(item)
}

/** The demo's fault rule: the Snowflake list answers 503 with Retry-After twice, then recovers. */
const DEMO_RULE = {
  id: 'demo.list-fails-twice',
  match: { operation: 'snowflake.listImageRepositories' },
  effect: { status: 503, retryAfter: 1 },
  times: 2,
}

/**
 * Puts the demo's rule in place through the control API (answered by the worker in this page,
 * or by the standalone server), replacing an earlier one so its count starts again.
 */
async function armDemo(config: ExampleConfig): Promise<void> {
  const headers: Record<string, string> = { 'Content-Type': 'application/json' }
  if (config.session) headers['X-Mock-Session'] = config.session
  const faults = `${config.origin}/__mock/faults`
  // Deleted only when there: a DELETE of a missing rule answers 404, which the browser's console
  // reports as an error on the first press.
  const listed = await fetch(faults, { headers })
  if (!listed.ok) throw new Error(`the mock did not list its fault rules: HTTP ${listed.status}`)
  const { rules } = (await listed.json()) as { rules: Array<{ id: string }> }
  if (rules.some((rule) => rule.id === DEMO_RULE.id)) {
    const removed = await fetch(`${faults}/${DEMO_RULE.id}`, { method: 'DELETE', headers })
    if (!removed.ok) throw new Error(`the mock kept the last demo rule: HTTP ${removed.status}`)
  }
  const added = await fetch(faults, { method: 'POST', headers, body: JSON.stringify(DEMO_RULE) })
  if (!added.ok) throw new Error(`the mock refused the demo rule: HTTP ${added.status}`)
}

function wireDemo(config: ExampleConfig, loadList: () => Promise<void>): void {
  byId('demo-fail').addEventListener('click', async () => {
    const button = byId<HTMLButtonElement>('demo-fail')
    button.disabled = true
    try {
      await armDemo(config)
      setStatus(
        'demo-status',
        'The list answers 503 (Retry-After 1 s) twice, then recovers. Watch the retry log and the timeline.',
      )
      await loadList()
    } catch (error) {
      setStatus('demo-status', `Could not set up the demo: ${describeError(error)}`, true)
    } finally {
      button.disabled = false
    }
  })
}

function settingsFor(config: ExampleConfig): ApiSettings {
  return {
    origin: config.origin,
    session: config.session,
    snowflake: config.snowflake,
    cycle: config.cycle,
    retryBaseMs: config.retryBaseMs,
    onRetry: logRetry,
    onRecovered: logRecovered,
  }
}

function wireSnowflake(settings: ApiSettings) {
  const client = snowflakeClient(settings)
  const list = byId<HTMLTableSectionElement>('sf-list')
  const render = (repos: ImageRepository[]) => {
    list.replaceChildren(
      ...repos.map((repo) => {
        const row = document.createElement('tr')
        row.dataset.name = repo.name
        const remove = document.createElement('button')
        remove.type = 'button'
        remove.textContent = 'Delete'
        remove.setAttribute('aria-label', `Delete repository ${repo.name}`)
        remove.addEventListener('click', () => void removeRepo(repo.name))
        const actions = document.createElement('td')
        actions.append(remove)
        row.append(
          cell(repo.name),
          cell(repo.repository_url, true),
          cell(repo.owner),
          cell(repo.created_on.slice(0, 10)),
          actions,
        )
        return row
      }),
    )
  }
  const load = async (done?: string) => {
    setStatus('sf-status', 'Loading repositories…')
    try {
      const repos = await client.list()
      render(repos)
      const count = `${repos.length} ${repos.length === 1 ? 'repository' : 'repositories'}`
      setStatus('sf-status', done ? `${done}. ${count}.` : `${count}.`)
    } catch (error) {
      setStatus('sf-status', `Could not list repositories: ${describeError(error)}`, true)
    }
  }
  const removeRepo = async (name: string) => {
    setStatus('sf-status', `Deleting ${name}…`)
    try {
      await client.remove(name)
      await load(`Deleted ${name}`)
    } catch (error) {
      setStatus('sf-status', `Could not delete ${name}: ${describeError(error)}`, true)
    }
  }
  byId<HTMLFormElement>('sf-create').addEventListener('submit', async (event) => {
    event.preventDefault()
    const input = byId<HTMLInputElement>('sf-name')
    const name = input.value.trim()
    setStatus('sf-status', `Creating ${name}…`)
    try {
      await client.create(name)
      input.value = ''
      await load(`Created ${name}`)
    } catch (error) {
      setStatus('sf-status', `Could not create ${name}: ${describeError(error)}`, true)
    }
  })
  byId('sf-reload').addEventListener('click', () => void load())
  return load
}

function wireCycle(settings: ApiSettings, jobPollMs: number) {
  const client = cycleClient(settings)
  const list = byId<HTMLTableSectionElement>('cy-list')
  byId('cy-hub').textContent = `hub ${settings.cycle.hubId}`
  const render = (sources: ImageSource[]) => {
    list.replaceChildren(
      ...sources.map((source) => {
        const row = document.createElement('tr')
        row.dataset.id = source.id
        row.dataset.name = source.name
        const remove = document.createElement('button')
        remove.type = 'button'
        remove.textContent = 'Delete'
        remove.setAttribute('aria-label', `Delete image source ${source.name}`)
        remove.disabled = source.state.current !== 'live'
        remove.addEventListener('click', () => void removeSource(source))
        const actions = document.createElement('td')
        actions.append(remove)
        const target = source.origin.details?.target
        row.append(
          cell(source.name),
          cell(source.identifier, true),
          cell(target ? `${source.origin.type} ${target}` : source.origin.type),
          cell(source.state.current),
          actions,
        )
        return row
      }),
    )
  }
  const load = async (done?: string) => {
    setStatus('cy-status', 'Loading image sources…')
    try {
      const sources = await client.list()
      render(sources)
      const count = `${sources.length} image ${sources.length === 1 ? 'source' : 'sources'}`
      setStatus('cy-status', done ? `${done}. ${count}.` : `${count}.`)
    } catch (error) {
      setStatus('cy-status', `Could not list image sources: ${describeError(error)}`, true)
    }
  }
  /** Shows a source's state in its row (the row stays until the next reload lists it no more). */
  const showState = (id: string, state: string) => {
    const row = list.querySelector<HTMLTableRowElement>(`tr[data-id="${CSS.escape(id)}"]`)
    const cell = row?.cells[3]
    if (!row || !cell) return
    row.dataset.state = state
    cell.textContent = state
    const remove = row.querySelector('button')
    if (remove) remove.disabled = state !== 'live'
  }
  const removeSource = async (source: ImageSource) => {
    setStatus('cy-status', `Deleting ${source.name}…`)
    try {
      const jobId = await client.remove(source.id)
      await load(`Deleting ${source.name} (job started)`)
      // Poll the deletion job as a Cycle client does, showing each stage until the source is gone.
      const seen: string[] = []
      const job = await waitForJob(() => client.job(jobId), {
        intervalMs: jobPollMs,
        onState: (state) => {
          if (seen.at(-1) !== state) seen.push(state)
          showState(source.id, `deleting (job ${state})`)
          setStatus('cy-status', `Deleting ${source.name}: job ${seen.join(' → ')}…`)
        },
      })
      const after = await client.get(source.id)
      showState(source.id, after.state.current)
      setStatus(
        'cy-status',
        job.state.current === 'completed'
          ? `Deleted ${source.name} (job ${seen.join(' → ')}); the source is ${after.state.current}.`
          : `Could not delete ${source.name}: the job ended ${job.state.current}.`,
        job.state.current !== 'completed',
      )
    } catch (error) {
      setStatus('cy-status', `Could not delete ${source.name}: ${describeError(error)}`, true)
    }
  }
  byId<HTMLFormElement>('cy-create').addEventListener('submit', async (event) => {
    event.preventDefault()
    const name = byId<HTMLInputElement>('cy-name')
    const target = byId<HTMLInputElement>('cy-target')
    setStatus('cy-status', `Creating ${name.value}…`)
    try {
      const created = await client.create(name.value.trim(), target.value.trim())
      name.value = ''
      await load(`Created ${created.name}`)
    } catch (error) {
      setStatus('cy-status', `Could not create ${name.value}: ${describeError(error)}`, true)
    }
  })
  byId('cy-reload').addEventListener('click', () => void load())
  return load
}

async function main(): Promise<void> {
  let config: ExampleConfig
  try {
    config = readConfig(location.search, env)
  } catch (error) {
    setStatus('target', `Bad settings: ${describeError(error)}`, true)
    return
  }
  if (config.target === 'worker') {
    setStatus('target', 'Starting the mock service worker…')
    // Loaded only in worker mode, so the server mode ships none of the mock.
    const { startWorker, mountDashboard } = await import('../../browser.ts')
    const mock = await startWorker({
      scenario: config.scenario,
      seed: config.seed,
      quiet: true,
      persist: config.persist,
    })
    // For poking at the mock from the console: imageRegistryMock.faults.add({...}).
    Object.assign(globalThis, { imageRegistryMock: mock })
    setStatus(
      'target',
      `Answered by the msw service worker in this page (scenario ${config.scenario}, seed ${config.seed}). ${
        config.persist
          ? 'Changes are kept in this browser across reloads.'
          : 'A reload starts again from the scenario.'
      }`,
    )
    if (config.persist) {
      const reset = byId<HTMLButtonElement>('mock-reset')
      reset.hidden = false
      reset.addEventListener('click', async () => {
        await mock.reset()
        location.reload()
      })
    }
    const panel = byId<HTMLDetailsElement>('dashboard-panel')
    panel.hidden = false
    let mounted: { unmount(): void } | undefined
    panel.addEventListener('toggle', () => {
      if (panel.open && !mounted)
        mounted = mountDashboard(byId('dashboard'), { session: config.session })
      else if (!panel.open && mounted) {
        mounted.unmount()
        mounted = undefined
      }
    })
  } else {
    setStatus('target', `Answered by the standalone server at ${config.origin}.`)
    const anchor = document.createElement('a')
    anchor.href = `${config.origin}/__mock/${config.session ? `?session=${encodeURIComponent(config.session)}` : ''}`
    anchor.target = '_blank'
    anchor.rel = 'noopener'
    anchor.textContent = "Open the standalone server's dashboard"
    const link = byId('dashboard-link')
    link.append(anchor)
    link.hidden = false
  }
  const settings = settingsFor(config)
  // The live timeline of this session's requests, from the mock's journal.
  if (config.timeline) {
    const { mountTimeline } = await import('../../handlers/control/dashboard/timeline-mount.ts')
    mountTimeline(byId('timeline'), { base: `${config.origin}/__mock`, session: config.session })
  } else byId('timeline-section').hidden = true
  const loadList = wireSnowflake(settings)
  wireDemo(config, () => loadList())
  await Promise.all([loadList(), wireCycle(settings, config.jobPollMs)()])
  document.body.dataset.ready = 'true'
}

main().catch((error) => setStatus('target', `Could not start: ${describeError(error)}`, true))
