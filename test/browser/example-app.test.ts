import { getResponse } from 'msw'
import type { Page } from 'playwright-core'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { CYCLE_DEFAULTS } from '../../examples/src/config.ts'
import { createMock } from '../../index.ts'
import {
  allowBrowserTimeouts,
  CHROMIUM_NOTE,
  type Chromium,
  type ExampleServer,
  HAVE_CHROMIUM,
  launchChromium,
  openExample,
  pageControl,
  SETUP_TIMEOUT_MS,
  type StandaloneServer,
  serveExample,
  startStandalone,
} from './chromium.ts'

const LIST = 'snowflake.listImageRepositories'

const SNOWFLAKE_HEADERS = { Authorization: 'Bearer example-oauth-token' }
const CYCLE_HEADERS = {
  Authorization: `Bearer ${CYCLE_DEFAULTS.token}`,
  'X-Hub-Id': CYCLE_DEFAULTS.hubId,
}

/** What a fresh mock with the same seed answers, asked through its own handlers in Node. */
async function answerOf(path: string, headers: Record<string, string>): Promise<unknown> {
  const mock = createMock()
  await mock.ready
  const response = await getResponse(
    mock.handlers,
    new Request(`http://mock.test${path}`, { headers }),
  )
  if (!response?.ok) throw new Error(`${path} answered ${response?.status} in Node`)
  return response.json()
}

/** The repository names the default scenario puts in ML_PLATFORM.IMAGES, as the API lists them. */
async function expectedRepositories(): Promise<string[]> {
  const repos = (await answerOf(
    '/api/v2/databases/ML_PLATFORM/schemas/IMAGES/image-repositories',
    SNOWFLAKE_HEADERS,
  )) as Array<{ name: string }>
  return repos.map((r) => r.name)
}

/** The image source names of the default scenario's main hub, as the API lists them. */
async function expectedSources(): Promise<string[]> {
  const { data } = (await answerOf('/v1/images/sources', CYCLE_HEADERS)) as {
    data: Array<{ name: string }>
  }
  return data.map((s) => s.name)
}

/** Cycle's part of the example runs once the vendor serves its operations. */
const CYCLE_READY = createMock().vendors.some((v) => v.name === 'cycle' && v.operations.length > 0)

async function rowNames(page: Page, tbody: string): Promise<string[]> {
  return page
    .locator(`${tbody} tr`)
    .evaluateAll((rows) => rows.map((row) => (row as HTMLElement).dataset.name ?? ''))
}

allowBrowserTimeouts()

describe.skipIf(!HAVE_CHROMIUM)(`example app in headless Chromium${CHROMIUM_NOTE}`, () => {
  let browser: Chromium
  let example: ExampleServer
  let page: Page & { errors: string[] }

  beforeAll(async () => {
    ;[browser, example] = await Promise.all([launchChromium(), serveExample()])
  }, SETUP_TIMEOUT_MS)
  afterAll(async () => {
    await browser?.close()
    await example?.close()
  })
  afterEach(async () => {
    expect(page.errors, 'the page threw no uncaught errors').toEqual([])
    await page.close()
  })

  async function open(query = '') {
    page = await browser.newPage()
    await openExample(page, example.url, query)
  }

  describe('against the msw worker in the page', () => {
    it('renders the Snowflake repositories the worker serves', async () => {
      const expected = await expectedRepositories()
      await open()
      await expect.poll(() => rowNames(page, '#sf-list')).toEqual(expected)
      // The status line follows the last attempt's answer, a moment after the log's success line.
      await expect
        .poll(() => page.locator('#sf-status').textContent())
        .toBe(`${expected.length} repositories.`)
      expect(await page.locator('#target').textContent()).toMatch(/msw service worker in this page/)
      const { body } = await pageControl(page, 'GET', `/journal?operation=${LIST}`)
      expect(body.entries.map((e: { status: number }) => e.status)).toEqual([200])
    })

    it('creates a repository and deletes it again', async () => {
      await open()
      await page.getByLabel('Repository name').fill('demo_repo')
      await page.getByRole('button', { name: 'Create repository' }).click()
      await page.locator('#sf-list tr[data-name="DEMO_REPO"]').waitFor()
      expect(await page.locator('#sf-status').textContent()).toMatch(
        /^Created demo_repo\. \d+ repositories\.$/,
      )
      await page.getByRole('button', { name: 'Delete repository DEMO_REPO' }).click()
      await page.locator('#sf-list tr[data-name="DEMO_REPO"]').waitFor({ state: 'detached' })
      expect(await page.locator('#sf-status').textContent()).toMatch(/^Deleted DEMO_REPO\./)
      const { body } = await pageControl(page, 'GET', '/journal?operation=snowflake.*Repository')
      expect(
        body.entries.map((e: { operation: string; status: number }) => [e.operation, e.status]),
      ).toEqual([
        ['snowflake.createImageRepository', 200],
        ['snowflake.deleteImageRepository', 200],
      ])
    })

    it('shows the vendor error when a create is refused', async () => {
      await open()
      const [first] = await rowNames(page, '#sf-list')
      await page.getByLabel('Repository name').fill(first as string)
      await page.getByRole('button', { name: 'Create repository' }).click()
      await expect
        .poll(() => page.locator('#sf-status').textContent())
        .toMatch(new RegExp(`^Could not create ${first}: 409 002002: [\\s\\S]*already exists`))
      expect(await page.locator('#sf-status').getAttribute('class')).toContain('error')
    })

    it('retries injected 503s, waiting at least Retry-After each time, until the list succeeds', async () => {
      const expected = await expectedRepositories()
      await open()
      const added = await pageControl(page, 'POST', '/faults', {
        id: 'two-503s',
        match: { operation: LIST },
        effect: { status: 503, retryAfter: 1 },
        times: 2,
      })
      expect(added.status).toBe(201)
      const started = Date.now()
      await page.getByRole('button', { name: 'Reload' }).first().click()
      await expect
        .poll(() => page.locator('#sf-status').textContent(), { timeout: 10_000 })
        .toBe(`${expected.length} repositories.`)
      expect(Date.now() - started, 'two waits of Retry-After: 1').toBeGreaterThanOrEqual(2000)
      const retries = await page.locator('#retry-log li.retry').evaluateAll((items) =>
        items.map((li) => {
          const { vendor, status, retryAfterMs, delayMs } = (li as HTMLElement).dataset
          return { vendor, status, retryAfterMs, delayMs, text: li.textContent }
        }),
      )
      expect(retries).toHaveLength(2)
      for (const [i, retry] of retries.entries()) {
        expect(retry).toMatchObject({ vendor: 'snowflake', status: '503', retryAfterMs: '1000' })
        expect(Number(retry.delayMs)).toBeGreaterThanOrEqual(1000)
        // Oldest first: list item "1." is attempt 1.
        expect(retry.text).toMatch(
          new RegExp(
            `^snowflake GET /api/v2/.*: attempt ${i + 1} got 503 \\(Retry-After 1 s\\), retrying in \\d+ ms$`,
          ),
        )
      }
      const { body } = await pageControl(page, 'GET', `/journal?operation=${LIST}`)
      expect(
        body.entries.map((e: { status: number; fault: string | null }) => [e.status, e.fault]),
      ).toEqual([
        [200, null],
        [503, 'two-503s'],
        [503, 'two-503s'],
        [200, null],
      ])
      const { body: faults } = await pageControl(page, 'GET', '/faults')
      expect(faults.rules[0]).toMatchObject({ id: 'two-503s', matched: 3, fired: 2 })
    })

    it('opens on the retry demo: its button makes the list fail twice and recover, with the log beside the list, a line for the attempt that succeeded, and the timeline', async () => {
      const expected = await expectedRepositories()
      await open()
      await page.setViewportSize({ width: 1366, height: 900 })
      const button = page.getByRole('button', { name: 'Make the list fail twice, then recover' })
      // Visible without scrolling, and the log sits beside the list.
      expect(await button.isVisible()).toBe(true)
      const box = async (selector: string) =>
        (await page.locator(selector).boundingBox()) as { x: number; y: number; width: number }
      expect((await box('#demo-fail')).y).toBeLessThan(900)
      const [list, log] = [await box('#snowflake'), await box('#retries')]
      expect(log.x, 'the retry log is right of the list').toBeGreaterThanOrEqual(
        list.x + list.width,
      )
      expect(Math.abs(log.y - list.y)).toBeLessThan(5)

      await button.click()
      await expect
        .poll(() => page.locator('#retry-log li.succeeded').count(), { timeout: 10_000 })
        .toBe(1)
      // The status line follows the last attempt's answer, a moment after the log's success line.
      await expect
        .poll(() => page.locator('#sf-status').textContent())
        .toBe(`${expected.length} repositories.`)
      const lines = await page
        .locator('#retry-log li')
        .evaluateAll((items) => items.map((li) => [li.className, li.textContent]))
      expect(lines.map(([cls]) => cls)).toEqual(['retry', 'retry', 'succeeded'])
      expect(lines[2]?.[1]).toMatch(
        /^snowflake GET \/api\/v2\/.*: attempt 3 got 200, succeeded after 2 retries$/,
      )
      const { body } = await pageControl(page, 'GET', `/journal?operation=${LIST}`)
      const entries = body.entries as Array<{ id: number; status: number; fault: string | null }>
      expect(entries.map((e) => [e.status, e.fault])).toEqual([
        [200, null],
        [503, 'demo.list-fails-twice'],
        [503, 'demo.list-fails-twice'],
        [200, null],
      ])
      // The timeline (in its own shadow root) drew every one of them, live.
      const marks = page.locator('#timeline svg[aria-label*="Timeline" i] [data-journal-id]')
      await expect
        .poll(() =>
          marks.evaluateAll((nodes) =>
            nodes.map((n) => [
              Number(n.getAttribute('data-journal-id')),
              n.getAttribute('data-outcome'),
            ]),
          ),
        )
        .toEqual(
          expect.arrayContaining(entries.map((e) => [e.id, e.status === 503 ? 'server' : 'ok'])),
        )
      // Pressing it again fails the list twice more: the rule starts over.
      await button.click()
      await expect
        .poll(() => page.locator('#retry-log li.succeeded').count(), { timeout: 10_000 })
        .toBe(2)
    })

    for (const width of [1366, 420]) {
      it(`at ${width}×900 the retry log and timeline are in view while the demo runs, and the console logs no error but the demo's own 503s`, async () => {
        page = await browser.newPage()
        await page.setViewportSize({ width, height: 900 })
        const logged: Array<{ text: string; url: string }> = []
        page.on('console', (message) => {
          if (message.type() === 'error') {
            logged.push({ text: message.text(), url: message.location().url })
          }
        })
        await openExample(page, example.url)
        await page.getByRole('button', { name: 'Make the list fail twice, then recover' }).click()
        await expect
          .poll(() => page.locator('#retry-log li.succeeded').count(), { timeout: 10_000 })
          .toBe(1)
        const marks = page.locator('#timeline svg[aria-label*="Timeline" i] [data-journal-id]')
        await expect.poll(() => marks.count()).toBeGreaterThanOrEqual(4)
        const inView = await page.evaluate(() => {
          const box = (selector: string) => {
            const host = document.querySelector('#timeline') as HTMLElement
            const el =
              document.querySelector(selector) ?? host.shadowRoot?.querySelector(selector) ?? null
            return el?.getBoundingClientRect()
          }
          const log = box('#retry-log') as DOMRect
          const svg = box('#irm-timeline') as DOMRect
          return {
            scrolled: window.scrollY,
            logBottom: log.bottom,
            timelineTop: svg.top,
            timelineBottom: svg.bottom,
          }
        })
        expect(inView.scrolled).toBe(0)
        expect(inView.logBottom).toBeLessThanOrEqual(900)
        // The whole timeline on a laptop; on a phone at least its first lane, right below the log.
        if (width === 1366) expect(inView.timelineBottom).toBeLessThanOrEqual(900)
        else expect(inView.timelineTop + 90).toBeLessThanOrEqual(900)
        // The ▲ and status labels of the example's timeline never cover a lane name.
        const covered = await page.evaluate(() => {
          const svg = (
            document.querySelector('#timeline') as HTMLElement
          ).shadowRoot?.querySelector('#irm-timeline') as SVGSVGElement
          const names = [...svg.querySelectorAll('.lane-label')].map((n) =>
            n.getBoundingClientRect(),
          )
          return [...svg.querySelectorAll('.fault-mark, .status-label')].filter((el) => {
            const a = el.getBoundingClientRect()
            return names.some(
              (b) => a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom,
            )
          }).length
        })
        expect(covered).toBe(0)
        // The browser reports each failed answer; the demo's two 503s are the only ones.
        expect(
          logged.map((l) => [l.text.replace(/\s*\(.*\)$/, ''), new URL(l.url).pathname]),
        ).toEqual([
          [
            'Failed to load resource: the server responded with a status of 503',
            expect.stringMatching(/\/image-repositories$/),
          ],
          [
            'Failed to load resource: the server responded with a status of 503',
            expect.stringMatching(/\/image-repositories$/),
          ],
        ])
      })
    }

    it('retries a throttled create (429) and creates the repository once', async () => {
      await open()
      await pageControl(page, 'POST', '/faults', {
        match: { operation: 'snowflake.createImageRepository' },
        effect: { status: 429, retryAfter: 1 },
        times: 1,
      })
      await page.getByLabel('Repository name').fill('after_429')
      await page.getByRole('button', { name: 'Create repository' }).click()
      await page.locator('#sf-list tr[data-name="AFTER_429"]').waitFor()
      expect(await page.locator('#retry-log li.retry').getAttribute('data-status')).toBe('429')
      const { body } = await pageControl(
        page,
        'GET',
        '/journal?operation=snowflake.createImageRepository',
      )
      expect(body.entries.map((e: { status: number }) => e.status)).toEqual([429, 200])
    })

    it('gives up after five attempts and shows the last vendor error', async () => {
      await open('?retryBase=10')
      await pageControl(page, 'POST', '/faults', {
        match: { operation: LIST },
        effect: { status: 503, retryAfter: 0 },
      })
      await page.getByRole('button', { name: 'Reload' }).first().click()
      await expect
        .poll(() => page.locator('#sf-status').textContent())
        .toMatch(/^Could not list repositories: 503 \d{6}: /)
      expect(await page.locator('#retry-log li.retry').count()).toBe(4)
      const { body } = await pageControl(page, 'GET', `/journal?operation=${LIST}&status=503`)
      expect(body.entries).toHaveLength(5)
    })

    it('shows the in-page mock dashboard, whose fault switch the app then obeys', async () => {
      page = await browser.newPage()
      // The strictest usual policy: the mounted dashboard runs no code built from strings and
      // adds no inline styles, so it works under it.
      const violations: string[] = []
      page.on('console', (message) => {
        if (/Content Security Policy/i.test(message.text())) violations.push(message.text())
      })
      await page.route(`${example.url}/`, async (route) => {
        const response = await route.fetch()
        await route.fulfill({
          response,
          headers: { ...response.headers(), 'content-security-policy': "default-src 'self'" },
        })
      })
      await openExample(page, example.url)
      await page.getByText("Show the in-page mock's dashboard").click()
      const dashboard = page.locator('#dashboard .irm[data-ready="true"]')
      await dashboard.waitFor()
      expect(violations).toEqual([])
      const firedCells = () =>
        page.evaluate(() => {
          const shadow = document.querySelector('#dashboard')?.shadowRoot
          const box = shadow?.querySelector('#irm-switches')?.parentElement
          if (!shadow || !box) return { cells: 0, clipped: -1 }
          const right = box.getBoundingClientRect().right
          const cells = [...shadow.querySelectorAll('#irm-switches [data-counter=fired]')]
          return {
            cells: cells.length,
            clipped: cells.filter((c) => c.getBoundingClientRect().right > right + 1).length,
          }
        })
      const fired = await firedCells()
      expect(fired.cells).toBeGreaterThan(0)
      expect(fired.clipped, 'no "Fired" cell is cut off in the mounted dashboard').toBe(0)
      await page.setViewportSize({ width: 420, height: 900 })
      expect((await firedCells()).clipped, 'nor at 420 px').toBe(0)
      await page.setViewportSize({ width: 1280, height: 720 })
      await expect
        .poll(() => dashboard.locator(`#irm-journal-body tr[data-operation="${LIST}"]`).count())
        .toBe(1)
      await dashboard.getByLabel(`Fault for ${LIST}`).selectOption('503')
      await expect
        .poll(async () =>
          (await pageControl(page, 'GET', '/faults')).body.rules.map((r: { id: string }) => r.id),
        )
        .toEqual([`dash.${LIST}`])
      await page.getByRole('button', { name: 'Reload' }).first().click()
      await expect
        .poll(() => page.locator('#retry-log li[data-status="503"]').count())
        .toBeGreaterThan(0)
      await dashboard.getByLabel(`Fault for ${LIST}`).selectOption('off')
      await expect
        .poll(() => page.locator('#sf-status').textContent(), { timeout: 10_000 })
        .toMatch(/^\d+ repositories\.$/)
      await expect
        .poll(() =>
          dashboard
            .locator(`#irm-journal-body tr[data-operation="${LIST}"][data-status="503"]`)
            .count(),
        )
        .toBeGreaterThan(0)
    })

    it('answers requests to the real vendor hosts too, with every header readable', async () => {
      await open()
      await pageControl(page, 'POST', '/faults', {
        match: { operation: LIST },
        effect: { status: 503, retryAfter: 3 },
        times: 1,
      })
      const answers = await page.evaluate(async () => {
        const url =
          'https://myorg-myaccount.snowflakecomputing.com/api/v2/databases/ML_PLATFORM/schemas/IMAGES/image-repositories'
        const out: Array<{ status: number; retryAfter: string | null; requestId: string | null }> =
          []
        for (let i = 0; i < 2; i++) {
          const response = await fetch(url, { headers: { Authorization: 'Bearer t' } })
          out.push({
            status: response.status,
            retryAfter: response.headers.get('retry-after'),
            requestId: response.headers.get('x-snowflake-request-id'),
          })
        }
        return out
      })
      expect(answers).toEqual([
        { status: 503, retryAfter: '3', requestId: expect.stringMatching(/^[0-9a-f-]{36}$/) },
        { status: 200, retryAfter: null, requestId: expect.stringMatching(/^[0-9a-f-]{36}$/) },
      ])
    })

    it.skipIf(!CYCLE_READY)(
      'renders, creates and deletes Cycle image sources, polling the job',
      async () => {
        const expected = await expectedSources()
        await open('?jobPoll=100')
        await expect.poll(() => rowNames(page, '#cy-list')).toEqual(expected)
        expect(await page.locator('#cy-hub').textContent()).toBe(`hub ${CYCLE_DEFAULTS.hubId}`)
        await page.getByLabel('Source name').fill('example source')
        await page.getByRole('button', { name: 'Create source' }).click()
        const row = page.locator('#cy-list tr[data-name="example source"]')
        await row.waitFor()
        expect(
          await row
            .locator('td')
            .evaluateAll((cells) => cells.slice(0, 4).map((c) => c.textContent)),
        ).toEqual(['example source', 'example-source', 'docker-hub nginx:latest', 'live'])
        const states: string[] = []
        await page.exposeFunction('sawState', (state: string) => states.push(state))
        await page.evaluate(() => {
          const cell = () =>
            document.querySelector('#cy-list tr[data-name="example source"] td:nth-child(4)')
          new MutationObserver(() => {
            const text = cell()?.textContent
            if (text) (window as unknown as { sawState(s: string): void }).sawState(text)
          }).observe(document.querySelector('#cy-list') as Node, {
            subtree: true,
            childList: true,
            characterData: true,
          })
        })
        await page.getByRole('button', { name: 'Delete image source example source' }).click()
        await expect
          .poll(() => page.locator('#cy-status').textContent())
          .toMatch(
            /^Deleted example source \(job (new → )?queued → running → completed\); the source is deleted\.$/,
          )
        expect(await row.locator('td').nth(3).textContent(), 'the row shows the end state').toBe(
          'deleted',
        )
        expect(
          await page
            .getByRole('button', { name: 'Delete image source example source' })
            .isDisabled(),
        ).toBe(true)
        expect(states, 'each stage showed in the row').toEqual(
          expect.arrayContaining([
            'deleting',
            'deleting (job queued)',
            'deleting (job running)',
            'deleting (job completed)',
            'deleted',
          ]),
        )
        const { body } = await pageControl(page, 'GET', '/journal?vendor=cycle')
        const calls = body.entries.map((e: { operation: string; status: number }) => [
          e.operation,
          e.status,
        ])
        expect(calls.slice(0, 5)).toEqual([
          ['cycle.getImageSources', 200],
          ['cycle.createImageSource', 201],
          ['cycle.getImageSources', 200],
          ['cycle.deleteImageSource', 202],
          ['cycle.getImageSources', 200],
        ])
        const polls = calls.slice(5, -1)
        expect(polls.length, 'the job was polled until it completed').toBeGreaterThanOrEqual(3)
        expect(
          polls.every(([op, status]: [string, number]) => op === 'cycle.getJob' && status === 200),
        ).toBe(true)
        expect(calls.at(-1)).toEqual(['cycle.getImageSource', 200])
      },
    )

    it.skipIf(!CYCLE_READY)(
      'retries a throttled Cycle create and shows Cycle’s envelope on a 409',
      async () => {
        await open()
        await pageControl(page, 'POST', '/faults', [
          {
            match: { operation: 'cycle.createImageSource' },
            effect: { status: 429, retryAfter: 1 },
            times: 1,
          },
          { match: { operation: 'cycle.createImageSource' }, effect: { status: 409 }, after: 1 },
        ])
        await page.getByLabel('Source name').fill('throttled')
        await page.getByRole('button', { name: 'Create source' }).click()
        await page.locator('#cy-list tr[data-name="throttled"]').waitFor()
        expect(
          await page
            .locator('#retry-log li.retry[data-vendor="cycle"]')
            .getAttribute('data-status'),
        ).toBe('429')
        await page.getByLabel('Source name').fill('refused')
        await page.getByRole('button', { name: 'Create source' }).click()
        await expect
          .poll(() => page.locator('#cy-status').textContent())
          .toMatch(/^Could not create refused: 409 409\.duplicate-found: Duplicate found/)
      },
    )
  })

  describe('against the standalone server (?target=server&port=…)', () => {
    let server: StandaloneServer
    beforeAll(async () => {
      server = await startStandalone()
    })
    afterAll(() => server?.close())

    it('renders the same repositories across origins (CORS) and links the server’s dashboard', async () => {
      const expected = await expectedRepositories()
      const port = new URL(server.url).port
      await open(`?target=server&port=${port}&session=example`)
      await expect.poll(() => rowNames(page, '#sf-list')).toEqual(expected)
      expect(await page.locator('#target').textContent()).toBe(
        `Answered by the standalone server at ${server.url}.`,
      )
      expect(await page.locator('#dashboard-link a').getAttribute('href')).toBe(
        `${server.url}/__mock/?session=example`,
      )
      expect(server.mock.session('example').journal.find({ operation: LIST })).toHaveLength(1)
      expect(server.mock.journal.find(), 'the default session saw nothing').toEqual([])
    })

    // Retried: how many resets Chromium re-sends on its own depends on its idle sockets, and on a
    // busy machine it has hidden all three. Each attempt starts from a fresh session.
    it('shows a reset Chromium does not hide (times: 3), retries it, and wraps the long log line', {
      retry: 2,
    }, async () => {
      await server.mock.session('reset').reset()
      const port = new URL(server.url).port
      // Without the timeline: its polling keeps idle sockets to the server, over which Chromium
      // re-sends a reset request on its own, hiding more of the resets from the page.
      await open(`?target=server&port=${port}&session=reset&retryBase=10&timeline=off`)
      await page.setViewportSize({ width: 420, height: 900 })
      server.mock.session('reset').faults.add({
        match: { operation: LIST },
        effect: { network: 'reset' },
        times: 3,
      })
      await page.getByRole('button', { name: 'Reload' }).first().click()
      await expect
        .poll(() => page.locator('#sf-status').textContent())
        .toMatch(/^\d+ repositories\.$/)
      const log = page.locator('#retry-log li.retry')
      expect(await log.count(), 'the page saw the reset once and retried').toBe(1)
      expect(await log.getAttribute('data-status')).toBe('0')
      expect(await log.textContent()).toMatch(
        /^snowflake GET \/api\/v2\/.*: attempt 1 got network error, retrying in \d+ ms$/,
      )
      expect(
        server.mock
          .session('reset')
          .journal.find({ operation: LIST })
          .map((e) => e.network ?? e.status),
        'Chromium re-sent twice on its own before the page saw the failure',
      ).toEqual([200, 'reset', 'reset', 'reset', 200])
      const overflow = await log.evaluate((li) => ({
        inside: li.getBoundingClientRect().right <= window.innerWidth,
        wraps: li.scrollWidth <= li.clientWidth && li.getClientRects().length > 0,
        lines: Math.round(
          li.getBoundingClientRect().height / Number.parseFloat(getComputedStyle(li).lineHeight),
        ),
      }))
      expect(overflow.inside && overflow.wraps).toBe(true)
      expect(overflow.lines, 'the long line wrapped').toBeGreaterThan(1)
    })

    it('retries a 503 the server injects, reading Retry-After across origins', async () => {
      const port = new URL(server.url).port
      server.mock.session('retry').faults.add({
        match: { operation: LIST },
        effect: { status: 503, retryAfter: 1 },
        times: 1,
      })
      await open(`?target=server&port=${port}&session=retry`)
      await expect
        .poll(() => page.locator('#sf-status').textContent())
        .toMatch(/^\d+ repositories\.$/)
      expect(await page.locator('#retry-log li.retry').getAttribute('data-retry-after-ms')).toBe(
        '1000',
      )
      expect(
        server.mock
          .session('retry')
          .journal.find({ operation: LIST })
          .map((e) => e.status),
      ).toEqual([503, 200])
    })
  })
})
