import type { Page } from 'playwright-core'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { CYCLE_DEFAULTS } from '../../examples/src/config.ts'
import {
  allowBrowserTimeouts,
  CHROMIUM_NOTE,
  type Chromium,
  HAVE_CHROMIUM,
  launchChromium,
  openDashboard,
  SETUP_TIMEOUT_MS,
  type StandaloneServer,
  startStandalone,
} from '../browser/chromium.ts'

const AUTH = { Authorization: 'Bearer test-oauth-token' }
const REPOS = '/api/v2/databases/ml_platform/schemas/images/image-repositories'
const DATABASES = '/api/v2/databases'
const LIST = 'snowflake.listImageRepositories'
const FETCH = 'snowflake.fetchImageRepository'
const CREATE = 'snowflake.createImageRepository'
const LIST_DATABASES = 'snowflake.listDatabases'

allowBrowserTimeouts()

describe.skipIf(!HAVE_CHROMIUM)(
  `dashboard switches for body, latency, commit, window and quota faults in headless Chromium${CHROMIUM_NOTE}`,
  () => {
    let browser: Chromium
    let server: StandaloneServer
    let page: Page & { errors: string[] }
    /** The bodies of the page's `POST /__mock/faults`, in order. */
    let posted: unknown[]

    beforeAll(async () => {
      browser = await launchChromium()
    }, SETUP_TIMEOUT_MS)
    afterAll(() => browser?.close())
    beforeEach(async () => {
      server = await startStandalone()
      posted = []
      page = await browser.newPage()
      page.on('request', (request) => {
        if (request.method() === 'POST' && new URL(request.url()).pathname === '/__mock/faults') {
          posted.push(request.postDataJSON())
        }
      })
      await openDashboard(page, server.url)
    })
    afterEach(async () => {
      expect(page.errors, 'the page threw no uncaught errors').toEqual([])
      await page.close()
      await server.close()
    })

    const api = (path: string, init: RequestInit = {}) =>
      fetch(`${server.url}${path}`, { ...init, headers: { ...AUTH, ...init.headers } })
    const ruleRow = (operation: string) =>
      page.locator(`#irm-rules-body tr[data-rule="dash.${operation}"]`)
    const kindCell = (operation: string) => ruleRow(operation).locator('td[data-kind]')
    const stateCell = (operation: string) => ruleRow(operation).locator('td[data-state=window]')

    /** Turns the switch of `operation` to `kind` and waits until the server holds its rule. */
    async function turn(operation: string, kind: string): Promise<unknown> {
      const before = posted.length
      await page.getByLabel(`Fault for ${operation}`).selectOption(kind)
      await expect
        .poll(() => posted.length, { message: 'the switch posted a rule' })
        .toBe(before + 1)
      const rule = posted.at(-1) as { effect?: unknown }
      // A quota's effect defaults to the vendor's 429.
      const effect = rule.effect ?? { status: 429 }
      await expect
        .poll(() => server.mock.faults.list().find((r) => r.id === `dash.${operation}`)?.effect)
        .toEqual(effect)
      await expect.poll(() => ruleRow(operation).count()).toBe(1)
      return rule
    }

    it('truncated body, garbage and empty replies: the rule each posts, and what a client over a socket gets', async () => {
      await page.getByLabel('Bytes (truncate)').fill('10')
      expect(await turn(LIST, 'truncate')).toEqual({
        id: `dash.${LIST}`,
        match: { operation: LIST },
        effect: { network: 'truncate', bytes: 10 },
      })
      expect(await kindCell(LIST).textContent()).toBe('truncate at 10 B')
      const truncated = await api(REPOS)
      // The real status and Content-Length, then 10 bytes and a close: the body read fails.
      expect(truncated.status).toBe(200)
      expect(Number(truncated.headers.get('content-length'))).toBeGreaterThan(10)
      await expect(truncated.arrayBuffer()).rejects.toThrow()

      expect(await turn(LIST, 'garbage')).toMatchObject({ effect: { network: 'garbage' } })
      await expect(api(REPOS)).rejects.toThrow(TypeError)
      await expect.poll(() => kindCell(LIST).textContent()).toBe('garbage')

      expect(await turn(LIST, 'empty')).toMatchObject({ effect: { network: 'empty' } })
      await expect(api(REPOS)).rejects.toThrow(TypeError)
      await expect.poll(() => kindCell(LIST).textContent()).toBe('empty')
      await expect
        .poll(() => page.getByLabel(`Fault for ${LIST}`).inputValue(), {
          message: 'the switch shows it',
        })
        .toBe('empty')
    })

    it('a slow body at Bytes/s: the body arrives in chunks, no faster than the rate', async () => {
      const size = (await (await api(REPOS)).arrayBuffer()).byteLength
      await page.getByLabel('Bytes/s (slow body)').fill('4000')
      expect(await turn(LIST, 'slow')).toEqual({
        id: `dash.${LIST}`,
        match: { operation: LIST },
        effect: { bytesPerSecond: 4000 },
      })
      expect(await kindCell(LIST).textContent()).toBe('slow body 4000 B/s')
      const started = performance.now()
      const response = await api(REPOS)
      expect(response.status).toBe(200)
      const reader = (response.body as ReadableStream<Uint8Array>).getReader()
      let bytes = 0
      let chunks = 0
      let first = 0
      for (let read = await reader.read(); !read.done; read = await reader.read()) {
        if (chunks === 0) first = read.value.byteLength
        bytes += read.value.byteLength
        chunks++
      }
      const elapsed = performance.now() - started
      expect(bytes).toBe(size)
      expect(chunks).toBeGreaterThan(1)
      // The first chunk leaves at once; the rest of the body cannot beat the rate.
      expect(elapsed).toBeGreaterThanOrEqual(((size - first) / 4000) * 1000 - 5)
    })

    it('latency drawn from a uniform or lognormal spread', async () => {
      await page.getByLabel('Latency spread').selectOption('uniform')
      await page.getByLabel('Min (ms)').fill('300')
      await page.getByLabel('Max (ms)').fill('400')
      expect(await turn(LIST, 'latency')).toMatchObject({
        effect: { delayMs: { distribution: 'uniform', min: 300, max: 400 } },
      })
      expect(await kindCell(LIST).textContent()).toBe('latency 300–400 ms')
      const started = performance.now()
      const response = await api(REPOS)
      expect(response.status).toBe(200)
      expect(performance.now() - started).toBeGreaterThanOrEqual(295)

      await page.getByLabel('Latency spread').selectOption('lognormal')
      await page.getByLabel('Latency (ms)').fill('100')
      await page.getByLabel('Sigma').fill('0.5')
      await page.getByLabel('Max (ms)').fill('200')
      expect(await turn(LIST, 'latency')).toMatchObject({
        effect: { delayMs: { distribution: 'lognormal', median: 100, sigma: 0.5, max: 200 } },
      })
      await expect.poll(() => kindCell(LIST).textContent()).toBe('latency ~100 ms (σ 0.5, ≤ 200)')
      const slowed = await api(REPOS)
      expect(slowed.status).toBe(200)
      expect(slowed.headers.get('x-mock-fault')).toBe(`dash.${LIST}`)

      // A median above the cut is refused by name, and the old rule stays.
      await page.getByLabel('Latency (ms)').fill('300')
      await page.getByLabel(`Fault for ${LIST}`).selectOption('latency')
      await expect
        .poll(() => page.locator('#irm-announce').textContent())
        .toBe(`${LIST}: Latency (ms), the median, must not exceed Max (ms)`)
      expect(server.mock.faults.list()[0]?.effect.delayMs).toEqual({
        distribution: 'lognormal',
        median: 100,
        sigma: 0.5,
        max: 200,
      })
    })

    it('"after commit": the repository is created, the client gets the 503; a 409 after commit is refused by name', async () => {
      await page.getByLabel('When', { exact: true }).selectOption('afterCommit')
      expect(await turn(CREATE, '503')).toEqual({
        id: `dash.${CREATE}`,
        match: { operation: CREATE },
        effect: { status: 503, retryAfter: 1, when: 'afterCommit' },
      })
      expect(await kindCell(CREATE).textContent()).toBe('503, after commit')
      const created = await api(REPOS, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ name: 'committed_anyway' }),
      })
      expect(created.status).toBe(503)
      expect((await api(`${REPOS}/committed_anyway`)).status, 'the change was stored').toBe(200)

      const before = posted.length
      await page.getByLabel(`Fault for ${LIST}`).selectOption('409')
      await expect
        .poll(() => page.locator('#irm-announce').textContent())
        .toMatch(/^snowflake\.listImageRepositories: When “after commit” goes only with 502, 503/)
      expect(await page.locator('#irm-announce').getAttribute('class')).toBe('error')
      expect(posted.length, 'nothing was posted').toBe(before)
      expect(server.mock.faults.list().map((r) => r.id)).toEqual([`dash.${CREATE}`])
    })

    it('windows: open until, opening later, and the first "for" of every "every", each shown with its state', async () => {
      await page.getByLabel('Window until').fill('+1h')
      expect(await turn(LIST, '503')).toMatchObject({ window: { until: '+1h' } })
      expect(await stateCell(LIST).textContent()).toMatch(/^window open until \d\d:\d\d:\d\d UTC$/)
      expect((await api(REPOS)).status).toBe(503)

      await page.getByLabel('Window until').fill('')
      await page.getByLabel('Window from').fill('+1h')
      expect(await turn(FETCH, '503')).toMatchObject({ window: { from: '+1h' } })
      expect(await stateCell(FETCH).textContent()).toMatch(/^window opens at \d\d:\d\d:\d\d UTC$/)
      expect((await api(`${REPOS}/missing_repo`)).status, 'not yet: the real 404').toBe(404)

      await page.getByLabel('Window from').fill('')
      await page.getByLabel('Window every').fill('1h')
      await page.getByLabel('Window for').fill('59m')
      expect(await turn(LIST_DATABASES, '503')).toMatchObject({
        window: { every: '1h', for: '59m' },
      })
      expect(await stateCell(LIST_DATABASES).textContent()).toMatch(
        /^window open \d+ s more \(59m of every 1h\)$/,
      )
      expect((await api(DATABASES)).status).toBe(503)

      // A bad duration is the control API's refusal, said in the status region.
      await page.getByLabel('Window for').fill('1 hour')
      await page.getByLabel(`Fault for ${LIST_DATABASES}`).selectOption('429')
      await expect
        .poll(() => page.locator('#irm-announce').textContent())
        .toMatch(/window\.for: must be a positive duration/)
    })

    it('a quota lets Quota limit requests through per window, then answers 429 until it ends', async () => {
      await page.getByLabel('Quota limit').fill('2')
      await page.getByLabel('Quota per (ms)').fill('60000')
      await page.getByLabel('Quota by').selectOption('operation')
      expect(await turn(LIST, 'quota')).toEqual({
        id: `dash.${LIST}`,
        match: { operation: LIST },
        quota: { limit: 2, perMs: 60_000, by: 'operation' },
      })
      expect(await kindCell(LIST).textContent()).toBe('quota, 429')
      expect(await stateCell(LIST).textContent()).toBe('quota 2 per 60 s by operation: 0/2 used')
      const statuses: number[] = []
      let retryAfter: string | null = null
      for (let i = 0; i < 3; i++) {
        const response = await api(REPOS)
        statuses.push(response.status)
        retryAfter = response.headers.get('retry-after')
        await response.body?.cancel()
      }
      expect(statuses).toEqual([200, 200, 429])
      expect(Number(retryAfter)).toBeGreaterThanOrEqual(1)
      expect(Number(retryAfter)).toBeLessThanOrEqual(60)
      await expect
        .poll(() => page.getByLabel(`Fault for ${LIST}`).inputValue(), {
          message: 'the switch shows it',
        })
        .toBe('quota')
      // The stored rule's quotaUsage, read back: the window's use and when it ends.
      const usage = server.mock.faults.list().find((r) => r.id === `dash.${LIST}`)?.quotaUsage
      expect(usage?.counts).toEqual({ [LIST]: 3 })
      const { nowMs } = (await (await fetch(`${server.url}/__mock/clock`)).json()) as {
        nowMs: number
      }
      const left = (Date.parse(usage?.windowStart ?? '') + 60_000 - nowMs) / 1000
      await expect
        .poll(() => stateCell(LIST).textContent())
        .toMatch(/^quota 2 per 60 s by operation: 2\/2 used, 1 refused, window ends in \d+ s$/)
      const shown = Number((await stateCell(LIST).textContent())?.match(/(\d+) s$/)?.[1])
      expect(Math.abs(shown - left)).toBeLessThanOrEqual(1)
    })

    it('shows a quota counted per operation as the most one operation used, and a short window in tenths of a second', async () => {
      server.mock.faults.add({
        id: 'snowflake-quota',
        match: { operation: 'snowflake.*' },
        quota: { limit: 10, perMs: 5000, by: 'operation' },
      })
      for (let i = 0; i < 3; i++) await (await api(REPOS)).arrayBuffer()
      await (await api(DATABASES)).arrayBuffer()
      const usage = server.mock.faults.list().find((r) => r.id === 'snowflake-quota')?.quotaUsage
      expect(usage?.counts).toEqual({ [LIST]: 3, [LIST_DATABASES]: 1 })
      await expect
        .poll(() =>
          page
            .locator('#irm-rules-body tr[data-rule="snowflake-quota"] td[data-state=window]')
            .textContent(),
        )
        .toMatch(
          /^quota 10 per 5 s by operation: 3\/10 used \(most by one operation, 2 counted\), window ends in \d\.\d s$/,
        )
    })

    it('"async work fails" is offered exactly where the operation starts async work; on Cycle\'s deletion the job ends in error', async () => {
      const health = (await (await fetch(`${server.url}/__mock/health`)).json()) as {
        operations: Array<{ id: string; asyncWork?: string }>
      }
      const offered = await page
        .locator('#irm-switches select[data-operation]')
        .evaluateAll((selects) =>
          selects.map((s) => [
            s.getAttribute('data-operation'),
            (s as HTMLSelectElement).querySelector('option[value=async]') !== null,
          ]),
        )
      expect(Object.fromEntries(offered)).toEqual(
        Object.fromEntries(health.operations.map((op) => [op.id, op.asyncWork !== undefined])),
      )
      expect(Object.fromEntries(offered)).toMatchObject({
        'cycle.deleteImageSource': true,
        'cycle.getImageSources': false,
      })

      const DELETE_SOURCE = 'cycle.deleteImageSource'
      expect(await turn(DELETE_SOURCE, 'async')).toEqual({
        id: `dash.${DELETE_SOURCE}`,
        match: { operation: DELETE_SOURCE },
        effect: { async: 'fail' },
      })
      expect(await kindCell(DELETE_SOURCE).textContent()).toBe('async work fails')
      const cycle = {
        Authorization: `Bearer ${CYCLE_DEFAULTS.token}`,
        'X-Hub-Id': CYCLE_DEFAULTS.hubId,
      }
      const sources = (await (
        await fetch(`${server.url}/v1/images/sources`, { headers: cycle })
      ).json()) as {
        data: Array<{ id: string }>
      }
      const source = sources.data[0]?.id as string
      const deleted = await fetch(`${server.url}/v1/images/sources/${source}`, {
        method: 'DELETE',
        headers: cycle,
      })
      expect(deleted.status).toBe(202)
      const { job } = ((await deleted.json()) as { data: { job: { id: string } } }).data
      let state = ''
      for (let i = 0; i < 20 && state !== 'error'; i++) {
        const polled = (await (
          await fetch(`${server.url}/v1/jobs/${job.id}`, { headers: cycle })
        ).json()) as {
          data: { state: { current: string } }
        }
        state = polled.data.state.current
      }
      expect(state).toBe('error')
      await expect
        .poll(() => ruleRow(DELETE_SOURCE).locator('[data-counter=fired]').textContent())
        .toBe('1')
    })
  },
)
