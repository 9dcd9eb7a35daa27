import type { Locator, Page } from 'playwright-core'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { parseFaultSpec } from '../../server.ts'
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
import { type Listening, serveRaw } from '../proxy/support.ts'

const AUTH = { Authorization: 'Bearer test-oauth-token' }
const REPOS = '/api/v2/databases/ml_platform/schemas/images/image-repositories'
const LIST = 'snowflake.listImageRepositories'
const FETCH = 'snowflake.fetchImageRepository'
const SWR_LIST = 'swr.ListSharedReposDetails'
/** A Snowflake list whose first repository's `name` is a number: one drift in the response. */
const WRONG_LIST = JSON.stringify([
  {
    name: 42,
    database_name: 'ML_PLATFORM',
    schema_name: 'IMAGES',
    created_on: '2026-03-02T09:00:00+00:00',
    repository_url: 'org-acct.registry.snowflakecomputing.com/ml_platform/images/x',
    owner: 'ACCOUNTADMIN',
    owner_role_type: 'ROLE',
  },
])

allowBrowserTimeouts()

describe.skipIf(!HAVE_CHROMIUM)(`dashboard in headless Chromium${CHROMIUM_NOTE}`, () => {
  let browser: Chromium
  let server: StandaloneServer
  let page: Page & { errors: string[] }

  beforeAll(async () => {
    browser = await launchChromium()
  }, SETUP_TIMEOUT_MS)
  afterAll(() => browser?.close())
  beforeEach(async () => {
    server = await startStandalone()
  })
  afterEach(async () => {
    expect(page.errors, 'the page threw no uncaught errors').toEqual([])
    await page.close()
    await server.close()
  })

  /** Opens the dashboard from the standalone server, polling fast so tests stay quick. */
  async function open(query = '') {
    page = await browser.newPage()
    await openDashboard(page, server.url, query)
    // Marks this document: a reload would lose it, so later checks prove updates came live.
    await page.evaluate(() => Object.assign(window, { sameDocument: true }))
  }

  const api = (path: string, init: RequestInit = {}) =>
    fetch(`${server.url}${path}`, { ...init, headers: { ...AUTH, ...init.headers } })
  const journalRows = () => page.locator('#irm-journal-body tr[data-id]')
  const switchRow = (operation: string): Locator =>
    page.locator(`#irm-switches tr[data-operation="${operation}"]`)
  const counters = async (row: Locator) => ({
    matched: await row.locator('[data-counter=matched]').textContent(),
    fired: await row.locator('[data-counter=fired]').textContent(),
  })
  const stillSameDocument = () =>
    page.evaluate(() => (window as unknown as { sameDocument?: boolean }).sameDocument === true)

  it('shows a request in the journal as it happens, without a reload', async () => {
    await open()
    expect(await journalRows().count()).toBe(0)
    expect(await page.locator('#irm-journal-empty').isVisible()).toBe(true)
    expect(await page.locator('#irm-drift').isVisible(), 'no Drift panel without proxy mode').toBe(
      false,
    )
    expect(await page.locator('#irm-proxied').isVisible()).toBe(false)
    expect((await api(REPOS)).status).toBe(200)
    const row = page.locator(`#irm-journal-body tr[data-operation="${LIST}"]`)
    await row.waitFor()
    expect(await row.locator('td').evaluateAll((cells) => cells.map((c) => c.textContent))).toEqual(
      [
        '1',
        // Wall time of arrival, to the millisecond.
        expect.stringMatching(/^\d\d:\d\d:\d\d\.\d{3}$/),
        LIST,
        `GET ${REPOS}`,
        '200',
        expect.stringMatching(/^\d+$/),
        '',
      ],
    )
    expect(await page.locator('#irm-journal-empty').isVisible()).toBe(false)
    await api(`${REPOS}/missing_repo`)
    await expect.poll(() => journalRows().count()).toBe(2)
    expect(await journalRows().first().getAttribute('data-operation'), 'newest first').toBe(FETCH)
    expect(await stillSameDocument()).toBe(true)
  })

  it('filters the journal by vendor, operation and status as the user types', async () => {
    await api(REPOS)
    await api(`${REPOS}/missing_repo`)
    await api(`${REPOS}/missing_repo`)
    await open()
    await expect.poll(() => journalRows().count()).toBe(3)
    // Typing alone filters: no Enter, no blur.
    await page.getByLabel('Status').pressSequentially('404')
    await expect.poll(() => journalRows().count()).toBe(2)
    expect(
      await journalRows().evaluateAll((rows) => rows.map((r) => r.getAttribute('data-status'))),
    ).toEqual(['404', '404'])
    await page.getByLabel('Status').fill('')
    await page.getByLabel('Operation (glob)').pressSequentially('*.list*')
    await expect.poll(() => journalRows().count()).toBe(1)
    expect(await journalRows().first().getAttribute('data-operation')).toBe(LIST)
    await page.getByLabel('Operation (glob)').fill('nosuch.*')
    await expect.poll(() => journalRows().count()).toBe(0)
    expect(await page.locator('#irm-journal-empty').textContent()).toBe(
      'No requests match the filters.',
    )
    await page.getByLabel('Operation (glob)').fill('')
    const vendors = await page
      .getByLabel('Vendor')
      .locator('option')
      .evaluateAll((options) => options.map((o) => (o as HTMLOptionElement).value))
    expect(vendors).toEqual([
      '',
      ...server.mock.vendors.filter((v) => v.operations.length > 0).map((v) => v.name),
    ])
    const other = vendors.find((v) => v !== '' && v !== 'snowflake') as string
    await page.getByLabel('Vendor').selectOption(other)
    await expect.poll(() => journalRows().count()).toBe(0)
    await page.getByLabel('Vendor').selectOption('snowflake')
    await expect.poll(() => journalRows().count()).toBe(3)
    await api(REPOS)
    await expect
      .poll(() => journalRows().count(), { message: 'a filtered view still updates live' })
      .toBe(4)
  })

  it('toggles a fault (503, 409, 429, latency, reset, off) that the next request obeys, with hit counters', async () => {
    await open()
    const row = switchRow(LIST)
    const fault = page.getByLabel(`Fault for ${LIST}`)
    expect(await fault.inputValue()).toBe('off')
    expect(await counters(row)).toEqual({ matched: '0', fired: '0' })

    await fault.selectOption('503')
    await expect.poll(() => server.mock.faults.list().map((r) => r.id)).toEqual([`dash.${LIST}`])
    let response = await api(REPOS)
    expect(response.status).toBe(503)
    expect(response.headers.get('retry-after')).toBe('1')
    expect(response.headers.get('x-mock-fault')).toBe(`dash.${LIST}`)
    expect((await response.json()).request_id).toBe(response.headers.get('x-snowflake-request-id'))
    await expect.poll(() => counters(row)).toEqual({ matched: '1', fired: '1' })
    const rule = page.locator(`#irm-rules-body tr[data-rule="dash.${LIST}"]`)
    expect(
      await rule.locator('td').evaluateAll((cells) => cells.map((c) => c.textContent)),
    ).toEqual(['503', `operation=${LIST}`, 'status=503 retryAfter=1', '', '', '1', '1', 'Remove'])
    await expect.poll(() => page.locator(`#irm-journal-body tr[data-status="503"]`).count()).toBe(1)
    expect(await page.locator('#irm-journal-body tr .fault').first().textContent()).toBe(
      `dash.${LIST}`,
    )

    await fault.selectOption('409')
    await expect.poll(() => server.mock.faults.list()[0]?.effect).toEqual({ status: 409 })
    for (let i = 0; i < 2; i++) {
      response = await api(REPOS)
      expect(response.status).toBe(409)
      expect((await response.json()).code).toMatch(/^\d{6}$/)
    }
    await expect
      .poll(() => counters(row), { message: 'the new rule counts afresh' })
      .toEqual({ matched: '2', fired: '2' })

    await fault.selectOption('429')
    await expect.poll(() => server.mock.faults.list()[0]?.effect?.status).toBe(429)
    response = await api(REPOS)
    expect(response.status).toBe(429)
    expect(response.headers.get('retry-after')).toBe('1')

    await page.getByLabel('Latency (ms)').fill('400')
    await fault.selectOption('latency')
    await expect.poll(() => server.mock.faults.list()[0]?.effect).toEqual({ delayMs: 400 })
    const started = performance.now()
    response = await api(REPOS)
    expect(response.status).toBe(200)
    expect(performance.now() - started).toBeGreaterThanOrEqual(390)

    await fault.selectOption('reset')
    await expect.poll(() => server.mock.faults.list()[0]?.effect).toEqual({ network: 'reset' })
    await expect(api(REPOS)).rejects.toThrow(TypeError)
    await expect
      .poll(() =>
        page.locator('#irm-journal-body tr[data-status="0"] .status').first().textContent(),
      )
      .toBe('network reset')

    await fault.selectOption('off')
    await expect.poll(() => server.mock.faults.list()).toEqual([])
    expect((await api(REPOS)).status).toBe(200)
    await expect.poll(() => counters(row)).toEqual({ matched: '0', fired: '0' })
    expect(await page.locator('#irm-rules-empty').isVisible()).toBe(true)
    expect(await page.locator('#irm-announce').textContent()).toBe(`${LIST}: fault off`)
    expect(await stillSameDocument()).toBe(true)
  })

  it('offers on each switch only the statuses its operation can answer (SWR: 429 and 502, no 409 or 503)', async () => {
    await open()
    const choices = (operation: string) =>
      page
        .getByLabel(`Fault for ${operation}`)
        .locator('option')
        .evaluateAll((options) => options.map((o) => (o as HTMLOptionElement).value))
    // A quota answers the vendor's 429, so it is offered only where 429 is; a failing async work
    // only where the operation starts some.
    const body = ['truncate', 'garbage', 'empty', 'slow']
    expect(await choices(SWR_LIST)).toEqual([
      'off',
      '429',
      '502',
      'latency',
      'reset',
      ...body,
      'quota',
    ])
    // The list starts async work under Prefer: respond-async, so its async work may fail.
    expect(await choices(LIST)).toEqual([
      'off',
      '409',
      '429',
      '503',
      'latency',
      'reset',
      ...body,
      'quota',
      'async',
    ])
    expect(await choices('cycle.getImageSources')).toEqual([
      'off',
      '409',
      '429',
      '503',
      'latency',
      'reset',
      ...body,
      'quota',
    ])

    const fault = page.getByLabel(`Fault for ${SWR_LIST}`)
    await fault.selectOption('502')
    await expect
      .poll(() => server.mock.faults.list().map((r) => [r.id, r.effect]))
      .toEqual([[`dash.${SWR_LIST}`, { status: 502 }]])
    await expect
      .poll(() => page.locator('#irm-announce').textContent())
      .toBe(`${SWR_LIST}: 502 bad gateway on`)
    const response = await fetch(`${server.url}/v2/manage/shared-repositories`, {
      headers: { 'X-Auth-Token': 'test-iam-token' },
    })
    expect(response.status).toBe(502)
    expect(response.headers.get('x-mock-fault')).toBe(`dash.${SWR_LIST}`)
    await expect.poll(() => counters(switchRow(SWR_LIST))).toEqual({ matched: '1', fired: '1' })
    expect(await fault.inputValue()).toBe('502')
    await fault.selectOption('429')
    await expect.poll(() => server.mock.faults.list()[0]?.effect?.status).toBe(429)
  })

  it('shows a proxied exchange’s contract violations: a journal badge, its messages, the Drift panel and the proxied vendors', async () => {
    const upstream: Listening = await serveRaw((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json' })
      res.end(WRONG_LIST)
    })
    try {
      await server.close()
      server = await startStandalone({ proxy: { upstreams: { snowflake: upstream.url } } })
      await open()
      expect(await page.locator('#irm-proxied').textContent()).toBe('proxied: snowflake')
      expect(await page.locator('#irm-drift').isVisible()).toBe(true)
      expect(await page.locator('#irm-drift-empty').isVisible()).toBe(true)

      const response = await api(REPOS)
      expect(response.status).toBe(200)
      expect(await response.text()).toBe(WRONG_LIST)
      const message =
        /^snowflake\.listImageRepositories: response body\[0\]\.name: .*expected string, received number/

      const row = page.locator(`#irm-journal-body tr[data-operation="${LIST}"]`)
      await row.waitFor()
      expect(await row.locator('.badge').textContent()).toBe('1 violation')
      await page.getByRole('button', { name: 'Details of request 1' }).click()
      const items = page.locator('#irm-entry-1 [data-field="violations"] li')
      expect(await items.count()).toBe(1)
      expect(await items.first().textContent()).toMatch(message)
      expect(await items.first().getAttribute('data-path')).toBe('body[0].name')

      const drift = page.locator(`#irm-drift-body tr[data-operation="${LIST}"]`)
      await drift.waitFor()
      expect(await drift.locator('[data-counter=exchanges]').textContent()).toBe('1')
      expect(await drift.locator('[data-counter=violations]').textContent()).toBe(
        '1 (0 request, 1 response)',
      )
      expect(await drift.locator('[data-paths] li').allTextContents()).toEqual([
        'response body[0].name ×1',
      ])
      expect(await drift.locator('[data-sample] li').first().textContent()).toMatch(message)
      expect(await page.locator('#irm-drift-empty').isVisible()).toBe(false)

      await api(REPOS)
      await expect
        .poll(() => drift.locator('[data-counter=exchanges]').textContent(), {
          message: 'the panel updates live',
        })
        .toBe('2')
      // Another session has its own, empty report.
      await page.getByLabel('Session', { exact: true }).fill('other')
      await page.getByRole('button', { name: 'Show session' }).click()
      await expect.poll(() => page.locator('#irm-drift-body tr').count()).toBe(0)
      expect(await page.locator('#irm-drift-empty').isVisible()).toBe(true)
      expect(await stillSameDocument()).toBe(true)
    } finally {
      await upstream.close()
    }
  })

  it('shows rules made elsewhere with live counters, and removes them one by one or all at once', async () => {
    server.mock.faults.add({
      id: 'slow-fetch',
      match: { operation: FETCH },
      effect: { delayMs: 5 },
      times: 3,
    })
    server.mock.faults.add({
      id: `dash.${LIST}`,
      match: { operation: LIST },
      effect: { status: 404 },
    })
    await open()
    const rule = page.locator('#irm-rules-body tr[data-rule="slow-fetch"]')
    expect(
      await rule.locator('td').evaluateAll((cells) => cells.slice(0, 5).map((c) => c.textContent)),
    ).toEqual(['latency 5 ms', `operation=${FETCH}`, 'delayMs=5', 'times=3', ''])
    expect(
      await page.getByLabel(`Fault for ${LIST}`).inputValue(),
      'an unknown effect shows as custom',
    ).toBe('other')
    await api(`${REPOS}/missing_repo`)
    await api(`${REPOS}/missing_repo`)
    // Fired against its times.
    await expect.poll(() => rule.locator('[data-counter=fired]').textContent()).toBe('2/3')
    await page.getByRole('button', { name: 'Remove rule slow-fetch' }).click()
    await rule.waitFor({ state: 'detached' })
    expect(server.mock.faults.list().map((r) => r.id)).toEqual([`dash.${LIST}`])
    await page.getByRole('button', { name: 'Remove all fault rules' }).click()
    await expect.poll(() => server.mock.faults.list()).toEqual([])
    await expect.poll(() => page.locator('#irm-rules-body tr').count()).toBe(0)
  })

  it('switches session and resets it to another scenario', async () => {
    await api(REPOS)
    await open()
    await expect.poll(() => journalRows().count()).toBe(1)
    expect(await page.locator('#irm-summary').textContent()).toMatch(
      /^session default · scenario default · seed 1 · 1 session · auth on$/,
    )
    await page.getByLabel('Session', { exact: true }).fill('demo')
    await page.getByRole('button', { name: 'Show session' }).click()
    await expect.poll(() => page.locator('#irm-summary').textContent()).toMatch(/^session demo · /)
    await expect
      .poll(() => new URL(page.url()).searchParams.get('session'), {
        message: 'the URL names the session',
      })
      .toBe('demo')
    expect(new URL(page.url()).searchParams.get('poll'), 'other parameters stay').toBe('100')
    expect(await journalRows().count(), 'the demo session has its own, empty journal').toBe(0)
    await api(REPOS, { headers: { 'X-Mock-Session': 'demo' } })
    await expect.poll(() => journalRows().count()).toBe(1)

    await page.getByLabel('Scenario', { exact: true }).selectOption('empty')
    await page.getByLabel('Seed', { exact: true }).fill('7')
    await page.getByRole('button', { name: 'Reset session' }).click()
    await expect
      .poll(() => page.locator('#irm-announce').textContent())
      .toBe('Session demo reset to scenario empty, seed 7')
    await expect
      .poll(() => page.locator('#irm-summary').textContent())
      .toMatch(/scenario empty · seed 7/)
    expect(await journalRows().count(), 'reset clears the journal').toBe(0)
    const demo = await api(REPOS, { headers: { 'X-Mock-Session': 'demo' } })
    expect(await demo.json()).toEqual([])
    expect(server.mock.raw.scenario, 'the default session is untouched').toBe('default')
    const sessions = await page
      .locator('#irm-session-list option')
      .evaluateAll((options) => options.map((o) => (o as HTMLOptionElement).value))
    expect(sessions.sort()).toEqual(['default', 'demo'])
  })

  it('opens on the session named in ?session=', async () => {
    await api(REPOS, { headers: { 'X-Mock-Session': 'linked' } })
    await open('&session=linked')
    expect(await page.getByLabel('Session', { exact: true }).inputValue()).toBe('linked')
    await expect.poll(() => journalRows().count()).toBe(1)
  })

  it('says so in the status region when the control API is unreachable, and recovers', async () => {
    await open()
    await page.route('**/__mock/faults', (route) => route.abort())
    await expect
      .poll(() => page.locator('#irm-announce').textContent())
      .toMatch(/^Cannot reach the mock control API at \/__mock: /)
    expect(await page.locator('#irm-announce').getAttribute('class')).toBe('error')
    await page.unroute('**/__mock/faults')
    await expect.poll(() => page.locator('#irm-announce').textContent()).toBe('Connected again')
  })

  it('lists under each switch the rules from elsewhere that affect it, with their counters', async () => {
    await server.close()
    server = await startStandalone({ scenario: 'flaky' })
    // As `--fault '*:429:every=3'` adds it at start.
    server.mock.raw.faults.add(parseFaultSpec('*:429:every=3'))
    await open()
    const row = switchRow(LIST)
    expect(await page.getByLabel(`Fault for ${LIST}`).inputValue(), 'its own switch is off').toBe(
      'off',
    )
    const others = () =>
      row
        .locator('[data-others] li')
        .evaluateAll((items) => items.map((li) => (li as HTMLElement).dataset.rule))
    const starRule = server.mock.faults.list().find((r) => r.match.operation === '*')?.id
    expect(await others()).toEqual(['list-503-twice', starRule])
    expect(await row.locator('[data-others] li').first().textContent()).toBe(
      '+ list-503-twice: status=503 retryAfter=1 (times=2)',
    )
    expect(await row.getAttribute('class')).toContain('affected')
    expect((await api(REPOS)).status).toBe(503)
    await expect
      .poll(() => counters(row), { message: 'the switch counts the rules that fire on it' })
      .toEqual({ matched: '1', fired: '1' })
    expect(await page.getByLabel(`Fault for ${LIST}`).inputValue()).toBe('off')
    const create = switchRow('snowflake.createImageRepository')
    expect(
      await create
        .locator('[data-others] li')
        .evaluateAll((items) => items.map((li) => (li as HTMLElement).dataset.rule)),
      'only the rules whose match fits',
    ).toContain(starRule)
    expect(await create.locator('[data-others] li[data-rule="list-503-twice"]').count()).toBe(0)
  })

  it('opens a journal row onto its request id, bodies and the fault applied', async () => {
    server.mock.faults.add({
      id: 'refuse-create',
      match: { operation: 'snowflake.createImageRepository' },
      effect: { status: 409 },
      after: 1,
    })
    const post = (name: string) =>
      api(REPOS, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ name }),
      })
    const created = await post('detail_repo')
    const refused = await post('x'.repeat(3000))
    expect([created.status, refused.status]).toEqual([200, 409])
    await open()
    await expect.poll(() => journalRows().count()).toBe(2)
    const details = page.locator('#irm-journal-body tr.detail')
    expect(await details.count(), 'rows start closed').toBe(0)

    const first = page.getByRole('button', { name: 'Details of request 1' })
    expect(await first.getAttribute('aria-expanded')).toBe('false')
    await first.click()
    expect(await first.getAttribute('aria-expanded')).toBe('true')
    const field = (id: number, key: string) =>
      page.locator(`#irm-entry-${id} [data-field="${key}"]`).textContent()
    expect(await field(1, 'requestId')).toBe(created.headers.get('x-snowflake-request-id'))
    expect(await field(1, 'requestBody')).toBe('{"name":"detail_repo"}')
    expect(JSON.parse((await field(1, 'responseBody')) ?? '')).toMatchObject({
      status: expect.stringMatching(/successfully created/),
    })
    expect(await field(1, 'fault')).toBe('none')

    // A click anywhere on the row opens it too, not only on its number.
    await page.locator('#irm-journal-body tr[data-id="2"] > td:nth-child(4)').click()
    expect(
      await page
        .getByRole('button', { name: 'Details of request 2' })
        .getAttribute('aria-expanded'),
    ).toBe('true')
    expect(await field(2, 'requestBody')).toMatch(/^\{"name":"x{2030}[\s\S]*… \(cut short\)$/)
    expect(JSON.parse((await field(2, 'responseBody')) ?? '')).toMatchObject({
      request_id: refused.headers.get('x-snowflake-request-id'),
    })
    expect(await field(2, 'fault')).toBe('refuse-create: status=409')
    expect(await details.count()).toBe(2)
    await first.click()
    expect(await details.count(), 'a second click closes the row').toBe(1)
    await api(REPOS)
    await expect.poll(() => journalRows().count()).toBe(3)
    expect(await page.locator('#irm-entry-2').isVisible(), 'new entries keep rows open').toBe(true)
  })

  it('loads without console errors or failed requests (favicon included) under a strict CSP', async () => {
    page = await browser.newPage()
    const problems: string[] = []
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(message.text())
    })
    page.on('response', (response) => {
      if (response.status() >= 400) problems.push(`${response.status()} ${response.url()}`)
    })
    // The strictest usual policy: only this origin's own files, no inline script or style.
    await page.route('**/__mock/?poll=100', async (route) => {
      const response = await route.fetch()
      await route.fulfill({
        response,
        headers: { ...response.headers(), 'content-security-policy': "default-src 'self'" },
      })
    })
    await openDashboard(page, server.url)
    await api(REPOS)
    await expect.poll(() => journalRows().count()).toBe(1)
    const icon = await page.evaluate(async () => {
      const link = document.querySelector<HTMLLinkElement>('link[rel=icon]')
      return link ? (await fetch(link.href)).status : 0
    })
    expect(icon).toBe(200)
    expect(problems).toEqual([])
  })

  it('fits its cards: switches unclipped at desktop width and 420 px, the scenario select at 420 px', async () => {
    // Rules with a long and a short id: at 420 px neither may wrap a character a line, nor push
    // its Remove button out of the box.
    server.mock.faults.add({
      id: 'dash.snowflake.listImageRepositories',
      match: { operation: 'snowflake.listImageRepositories' },
      effect: { delayMs: 1 },
    })
    server.mock.faults.add({
      id: 'r1',
      match: { path: '/api/v2/*' },
      effect: { delayMs: 1 },
      times: 3,
    })
    await open()
    const overflow = () =>
      page.evaluate(() => {
        const box = document.querySelector('#irm-switches')?.parentElement as HTMLElement
        const boxRect = box.getBoundingClientRect()
        const fired = [...document.querySelectorAll('#irm-switches [data-counter=fired]')]
        return {
          // The switches are not cut off inside a scroll box of their own.
          vertical: box.scrollHeight - box.clientHeight,
          // Every row's last column is inside the box.
          firedOutside: fired.filter((c) => c.getBoundingClientRect().right > boxRect.right + 1)
            .length,
          rows: fired.length,
        }
      })
    expect(await overflow()).toEqual({
      vertical: 0,
      firedOutside: 0,
      rows: server.mock.vendors.flatMap((v) => v.operations).length,
    })
    await page.setViewportSize({ width: 420, height: 900 })
    expect((await overflow()).firedOutside, 'the counters stay in view at 420 px').toBe(0)
    const fits = () =>
      page.evaluate(() => {
        const select = document.querySelector('#irm-scenario') as HTMLElement
        const card = select.closest('section') as HTMLElement
        const style = getComputedStyle(card)
        const inner = card.getBoundingClientRect().right - Number.parseFloat(style.paddingRight)
        return {
          select: select.getBoundingClientRect().right <= inner + 0.5,
          page: document.documentElement.scrollWidth <= window.innerWidth,
        }
      })
    expect(await fits()).toEqual({ select: true, page: true })
    const rules = () =>
      page.evaluate(() => {
        const box = (document.querySelector('#irm-rules') as HTMLElement)
          .parentElement as HTMLElement
        const right = box.getBoundingClientRect().right
        return [...document.querySelectorAll('#irm-rules-body tr')].map((row) => {
          const id = row.querySelector('th') as HTMLElement
          const lineHeight = Number.parseFloat(getComputedStyle(id).lineHeight) || 16
          return {
            id: id.textContent,
            removeInside:
              (row.querySelector('button') as HTMLElement).getBoundingClientRect().right <=
              right + 0.5,
            // The long id fits in two lines where a character-a-line column took thirty-five.
            idLines: Math.round(id.getBoundingClientRect().height / lineHeight) <= 2,
          }
        })
      })
    for (const width of [420, 1280]) {
      await page.setViewportSize({ width, height: 900 })
      expect(await rules(), `fault rules at ${width} px`).toEqual([
        { id: 'dash.snowflake.listImageRepositories', removeInside: true, idLines: true },
        { id: 'r1', removeInside: true, idLines: true },
      ])
    }
  })

  it('gives every control an accessible name', async () => {
    await open()
    const unnamed = await page.evaluate(() =>
      [...document.querySelectorAll('input, select, button')]
        .filter((node) => {
          const control = node as HTMLInputElement
          const labelled = (control.labels?.length ?? 0) > 0
          return !labelled && !control.getAttribute('aria-label') && !control.textContent?.trim()
        })
        .map((node) => node.outerHTML),
    )
    expect(unnamed).toEqual([])
    expect(await page.getByRole('status').count()).toBe(1)
  })
})
