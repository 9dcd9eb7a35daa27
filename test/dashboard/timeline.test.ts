import type { Page } from 'playwright-core'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import type { JournalEntry } from '../../core/journal.ts'
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
const LIST = 'snowflake.listImageRepositories'
const FETCH = 'snowflake.fetchImageRepository'

allowBrowserTimeouts()

describe.skipIf(!HAVE_CHROMIUM)(
  `dashboard timeline and demo controls in headless Chromium${CHROMIUM_NOTE}`,
  () => {
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

    async function open(width = 1366) {
      page = await browser.newPage()
      await page.setViewportSize({ width, height: 900 })
      await openDashboard(page, server.url)
      await page.evaluate(() => Object.assign(window, { sameDocument: true }))
    }
    const api = (path: string, init: RequestInit = {}) =>
      fetch(`${server.url}${path}`, { ...init, headers: { ...AUTH, ...init.headers } })
    const journal = async (): Promise<JournalEntry[]> =>
      ((await (await fetch(`${server.url}/__mock/journal`)).json()) as { entries: JournalEntry[] })
        .entries
    const timeline = () => page.locator('svg[aria-label*="Timeline" i]')
    const marks = () => timeline().locator('[data-journal-id]')
    const switchRow = () => page.locator(`#irm-switches tr[data-operation="${LIST}"]`)
    const stillSameDocument = () =>
      page.evaluate(() => (window as unknown as { sameDocument?: boolean }).sameDocument === true)

    /** Turns the list's switch to 503 with Times and Retry-After typed into the demo controls. */
    async function failListTwice(retryAfter: string) {
      await page.getByLabel('Times', { exact: true }).fill('2')
      await page.getByLabel('Retry-After (s)').fill(retryAfter)
      await page.getByLabel(`Fault for ${LIST}`).selectOption('503')
      await expect.poll(() => switchRow().getAttribute('data-state')).toBe('on')
    }

    it('"503 twice with Retry-After, then recover" from the Times and Retry-After inputs: progress, highlight, and the rule as made', async () => {
      await open()
      await failListTwice('3')
      const [rule] = (
        (await (await fetch(`${server.url}/__mock/faults`)).json()) as {
          rules: Array<Record<string, unknown>>
        }
      ).rules
      expect(rule).toMatchObject({
        id: `dash.${LIST}`,
        times: 2,
        effect: { status: 503, retryAfter: 3 },
      })
      expect(rule?.after).toBeUndefined()
      const fired = switchRow().locator('[data-counter=fired]')
      await expect.poll(() => fired.textContent()).toBe('0/2')
      // Only the switch that is on is highlighted.
      const fetchRow = page.locator(`#irm-switches tr[data-operation="${FETCH}"]`)
      expect(await fetchRow.getAttribute('data-state')).toBe('off')
      const background = (row: typeof fetchRow) =>
        row.locator('th').evaluate((th) => getComputedStyle(th).backgroundColor)
      expect(await background(switchRow())).not.toBe(await background(fetchRow))

      const statuses: number[] = []
      for (let i = 0; i < 3; i++) {
        const response = await api(REPOS)
        statuses.push(response.status)
        if (i < 2) expect(response.headers.get('retry-after')).toBe('3')
        await response.body?.cancel()
      }
      expect(statuses).toEqual([503, 503, 200])
      await expect.poll(() => fired.textContent()).toBe('2/2')
      await expect.poll(() => switchRow().getAttribute('data-state')).toBe('spent')
      const ruleRow = page.locator(`#irm-rules-body tr[data-rule="dash.${LIST}"]`)
      expect(await ruleRow.locator('[data-counter=fired]').textContent()).toBe('2/2')
      expect(await stillSameDocument()).toBe(true)
    })

    it('After skips requests before the rule fires; a bad Times is refused by name and leaves no rule', async () => {
      await open()
      await page.getByLabel('Times', { exact: true }).fill('0')
      await page.getByLabel(`Fault for ${LIST}`).selectOption('429')
      await expect.poll(() => page.locator('#irm-announce').textContent()).toMatch(/Times must be/)
      expect(await page.locator('#irm-announce').getAttribute('class')).toBe('error')
      const none = (await (await fetch(`${server.url}/__mock/faults`)).json()) as {
        rules: unknown[]
      }
      expect(none.rules).toEqual([])
      await expect.poll(() => switchRow().getAttribute('data-state')).toBe('off')

      await page.getByLabel('Times', { exact: true }).fill('1')
      await page.getByLabel('After', { exact: true }).fill('1')
      await page.getByLabel(`Fault for ${LIST}`).selectOption('429')
      await expect.poll(() => switchRow().getAttribute('data-state')).toBe('on')
      const statuses: number[] = []
      for (let i = 0; i < 3; i++) statuses.push((await api(REPOS)).status)
      expect(statuses).toEqual([200, 429, 200])
    })

    it('draws each request live on a wall-time timeline: a lane per operation, marks by outcome, fault marks and Retry-After spans', async () => {
      await open()
      expect(await timeline().count()).toBe(1)
      expect(await marks().count()).toBe(0)
      await failListTwice('1')
      for (let i = 0; i < 3; i++) {
        const response = await api(REPOS)
        await response.body?.cancel()
        // Honours the Retry-After, as a well-behaved client does.
        if (i < 2) await new Promise((resolve) => setTimeout(resolve, 1000))
      }
      await api(`${REPOS}/nope`)
      const entries = await journal()
      expect(entries.map((e) => e.status).sort()).toEqual([200, 404, 503, 503])
      await expect.poll(() => marks().count()).toBe(entries.length)
      expect(await stillSameDocument()).toBe(true)

      for (const entry of entries) {
        const mark = timeline().locator(`[data-journal-id="${entry.id}"]`)
        const outcome = entry.status >= 500 ? 'server' : entry.status >= 400 ? 'client' : 'ok'
        expect(await mark.getAttribute('data-outcome'), `entry ${entry.id}`).toBe(outcome)
        expect(await mark.locator('.fault-mark').count()).toBe(entry.fault ? 1 : 0)
        expect(await mark.locator('.retry-after').count()).toBe(entry.status === 503 ? 1 : 0)
      }
      // Lanes: one per operation called.
      const lanes = await timeline()
        .locator('[data-lane]')
        .evaluateAll((nodes) => nodes.map((n) => n.getAttribute('data-lane')))
      expect(lanes.sort()).toEqual([FETCH, LIST].sort())
      // Wall time: the marks are in order of arrival, and the second attempt sits at least the
      // Retry-After span past the first answer (the client waited 1 s).
      const xOf = (id: number) =>
        timeline()
          .locator(`[data-journal-id="${id}"] .mark`)
          .evaluate((r) => Number(r.getAttribute('x')))
      const [first, second] = entries.filter((e) => e.status === 503)
      const span = timeline().locator(`[data-journal-id="${first?.id}"] .retry-after`)
      expect(await span.getAttribute('data-retry-after-ms')).toBe('1000')
      const spanEnd = await span.evaluate(
        (r) => Number(r.getAttribute('x')) + Number(r.getAttribute('width')),
      )
      expect(await xOf(second?.id ?? 0)).toBeGreaterThanOrEqual(spanEnd - 1)
      // The server's GET /__mock/retries links the three list attempts: one line joins them.
      const listIds = entries
        .filter((e) => e.operation === LIST)
        .map((e) => e.id)
        .sort((a, b) => a - b)
      const chain = timeline().locator('path.chain')
      await expect.poll(() => chain.getAttribute('data-chain')).toBe(listIds.join(','))
      expect(await chain.getAttribute('data-outcome')).toBe('succeeded')
      // Colours differ by outcome.
      const fill = (id: number) =>
        timeline()
          .locator(`[data-journal-id="${id}"] .mark`)
          .evaluate((r) => getComputedStyle(r).fill)
      const ok = entries.find((e) => e.status === 200)
      expect(await fill(first?.id ?? 0)).not.toBe(await fill(ok?.id ?? 0))
    })

    for (const width of [1366, 420]) {
      it(`at ${width} px: each mark shows its status where it fits and in its title with wall time and duration; no ▲ or status covers a lane name; the chain line runs clear of the dashed Retry-After bar`, async () => {
        await open(width)
        await failListTwice('1')
        for (let i = 0; i < 3; i++) {
          await (await api(REPOS)).arrayBuffer()
          if (i < 2) await new Promise((resolve) => setTimeout(resolve, 1000))
        }
        await (await api(`${REPOS}/nope`)).arrayBuffer()
        const entries = await journal()
        await expect.poll(() => marks().count()).toBe(entries.length)
        await expect.poll(() => timeline().locator('path.chain').count()).toBe(1)
        for (const entry of entries) {
          const mark = timeline().locator(`[data-journal-id="${entry.id}"]`)
          const title = await mark.locator('title').textContent()
          expect(title).toContain(`→ ${entry.status} at ${entry.receivedAt.slice(11, 23)}`)
          expect(title).toContain(`, ${Math.round(entry.durationMs)} ms`)
        }
        const drawn = await page.evaluate(() => {
          const svg = document.querySelector('#irm-timeline') as SVGSVGElement
          const box = (el: Element) => el.getBoundingClientRect()
          const overlaps = (a: DOMRect, b: DOMRect) =>
            a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom
          const names = [...svg.querySelectorAll('.lane-label')].map(box)
          const labels = [...svg.querySelectorAll('.status-label')]
          const flags = [...svg.querySelectorAll('.fault-mark')]
          const over = [...labels, ...flags].filter((el) => names.some((n) => overlaps(box(el), n)))
          const clash = labels.filter((a, i) =>
            [...labels.slice(i + 1), ...flags].some((b) => overlaps(box(a), box(b))),
          )
          const chain = box(svg.querySelector('path.chain') as Element)
          const bars = [...svg.querySelectorAll('.retry-after')].map(box)
          return {
            labels: Object.fromEntries(
              labels.map((l) => [
                l.closest('[data-journal-id]')?.getAttribute('data-journal-id'),
                l.textContent,
              ]),
            ),
            over: over.length,
            clash: clash.length,
            bars: bars.length,
            chainCrossesBar: bars.some((b) => chain.top < b.bottom && chain.bottom > b.top),
            outside: labels.filter((l) => box(l).right > box(svg).right).length,
          }
        })
        // The attempts are a second apart, room enough at either width for every label.
        const list = entries.filter((e) => e.operation === LIST)
        for (const entry of list) expect(drawn.labels[String(entry.id)]).toBe(String(entry.status))
        expect(drawn).toMatchObject({
          over: 0,
          clash: 0,
          bars: 2,
          chainCrossesBar: false,
          outside: 0,
        })
      })
    }

    it('joins the attempts of each retry chain that GET /__mock/retries lists', async () => {
      // The chains come from the server; here they are the journal's own ids, so the drawing of
      // the answer is what is tested.
      page = await browser.newPage()
      await page.route('**/__mock/retries', async (route) => {
        const entries = await journal()
        const list = entries.filter((e) => e.operation === LIST).sort((a, b) => a.id - b.id)
        await route.fulfill({
          json: {
            chains: [
              {
                operation: LIST,
                method: 'GET',
                path: REPOS,
                attempts: list.map((e) => ({
                  journalId: e.id,
                  retryAfterMs: null,
                  waitedMs: null,
                })),
                honouredRetryAfter: true,
                backoff: 'none',
                jitter: false,
                outcome: 'succeeded',
                duplicateWrite: false,
              },
            ],
          },
        })
      })
      await openDashboard(page, server.url)
      await failListTwice('0')
      for (let i = 0; i < 3; i++) await api(REPOS)
      const ids = (await journal()).map((e) => e.id).sort((a, b) => a - b)
      const chain = timeline().locator('path.chain')
      await expect.poll(() => chain.getAttribute('data-chain')).toBe(ids.join(','))
      expect(await chain.getAttribute('data-outcome')).toBe('succeeded')
      // One vertex per attempt.
      expect((await chain.getAttribute('d'))?.match(/[ML]/g)?.length).toBe(3)
    })

    it('stays readable at 420 px: the timeline fits the page and its lane labels are legible', async () => {
      await open(420)
      await api(REPOS)
      await api(`${REPOS}/nope`)
      await expect.poll(() => marks().count()).toBe(2)
      const fit = await page.evaluate(() => {
        const svg = document.querySelector('#irm-timeline') as SVGSVGElement
        const box = svg.getBoundingClientRect()
        const label = svg.querySelector('.lane-label') as SVGTextElement
        return {
          right: box.right,
          page: document.documentElement.clientWidth,
          scroll: document.documentElement.scrollWidth,
          fontPx: label.getBoundingClientRect().height,
        }
      })
      expect(fit.right).toBeLessThanOrEqual(fit.page)
      expect(fit.scroll).toBeLessThanOrEqual(fit.page)
      // Drawn at the box's own width, so text is not scaled down below a readable size.
      expect(fit.fontPx).toBeGreaterThanOrEqual(10)
    })
  },
)
