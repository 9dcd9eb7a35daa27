import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
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

allowBrowserTimeouts()

/**
 * How the dashboard reads at a phone's and a laptop's width, with a session that has rules, a
 * fault in the journal and a request that got a route hint.
 */
describe.skipIf(!HAVE_CHROMIUM)(`dashboard layout in headless Chromium${CHROMIUM_NOTE}`, () => {
  let browser: Chromium
  let server: StandaloneServer
  let page: Page & { errors: string[] }

  beforeAll(async () => {
    ;[browser, server] = await Promise.all([launchChromium(), startStandalone()])
    server.mock.faults.add({
      id: 'flaky-list',
      match: { operation: 'snowflake.listImageRepositories' },
      effect: { status: 503, retryAfter: 1 },
      times: 1,
    })
    server.mock.faults.add({
      id: 'slow-swr',
      match: { operation: 'swr.ListSharedReposDetails' },
      effect: { delayMs: { distribution: 'lognormal', median: 200, sigma: 0.5, max: 2000 } },
    })
    for (const path of [REPOS, REPOS, `${REPOS}x`, `${REPOS}/missing_repo`]) {
      await (await fetch(`${server.url}${path}`, { headers: AUTH })).arrayBuffer()
    }
    page = await browser.newPage()
    await openDashboard(page, server.url)
    await page.locator('#irm-journal-body tr[data-id]').nth(3).waitFor()
  }, SETUP_TIMEOUT_MS)
  afterAll(async () => {
    expect(page?.errors ?? [], 'the page threw no uncaught errors').toEqual([])
    await browser?.close()
    await server?.close()
  })

  /** What a reader would find broken, measured in the page. */
  const measure = () =>
    page.evaluate(() => {
      // A text node between two <wbr>s is one part of an id or route; each of its words must sit
      // on one line (a part such as `GET /` may still wrap at its space or a hyphen).
      const splitParts: string[] = []
      for (const cell of document.querySelectorAll('td.mono, th.mono')) {
        if ((cell as HTMLElement).offsetParent === null) continue
        for (const node of cell.childNodes) {
          if (node.nodeType !== Node.TEXT_NODE) continue
          // A hyphen is a break between words (image-|repositories), as in prose.
          for (const word of (node.textContent ?? '').matchAll(/[^\s-]+/g)) {
            const range = document.createRange()
            range.setStart(node, word.index)
            range.setEnd(node, word.index + word[0].length)
            const lines = new Set([...range.getClientRects()].map((r) => Math.round(r.top)))
            if (lines.size > 1) splitParts.push(word[0])
          }
        }
      }
      const header = document.querySelector('.irm header') as HTMLElement
      const content = Math.max(
        ...[...header.children]
          .filter((child) => (child as HTMLElement).offsetParent !== null)
          .map((child) => child.getBoundingClientRect().bottom),
      )
      const svg = document.querySelector('#irm-timeline') as SVGSVGElement
      const box = svg.getBoundingClientRect()
      const labels = [...svg.querySelectorAll<SVGTextElement>('.tick-label')]
      const select = document.querySelector('#irm-scenario') as HTMLSelectElement
      return {
        splitParts,
        // Below the header's last line comes only its rule: no empty band.
        headerGap: Math.round(header.getBoundingClientRect().bottom - content),
        ticks: labels.length,
        ticksCut: labels.filter((t) => {
          const r = t.getBoundingClientRect()
          return r.left < box.left - 0.5 || r.right > box.right + 0.5
        }).length,
        scenario: select.selectedOptions[0]?.textContent,
        about: document.querySelector('#irm-scenario-about')?.textContent,
        pageFits: document.documentElement.scrollWidth <= window.innerWidth,
      }
    })

  for (const width of [420, 1366]) {
    it(`at ${width} px: ids and routes wrap only between their parts, no gap under the header, the scenario named in full, tick labels whole`, async () => {
      await page.setViewportSize({ width, height: 900 })
      await expect.poll(() => page.locator('#irm-timeline .tick-label').count()).toBeGreaterThan(1)
      const seen = await measure()
      expect(seen).toEqual({
        splitParts: [],
        headerGap: expect.any(Number),
        ticks: expect.any(Number),
        ticksCut: 0,
        scenario: 'default',
        about: expect.stringMatching(/\w/),
        pageFits: true,
      })
      expect(seen.headerGap).toBeLessThanOrEqual(12)
    })

    it(`at ${width} px: every journal entry shows its wall time, status and ms in view, and each switch position reads whole`, async () => {
      await page.setViewportSize({ width, height: 900 })
      const seen = await page.evaluate(() => {
        const inView = (el: Element | null) => {
          if (!(el instanceof HTMLElement) || el.offsetParent === null) return false
          const r = el.getBoundingClientRect()
          return r.width > 0 && r.left >= 0 && r.right <= window.innerWidth
        }
        const rows = [...document.querySelectorAll('#irm-journal-body tr[data-id]')]
        const cells = rows.map((row) => ({
          time: inView(row.querySelector('td.time')),
          status: inView(row.querySelector('td.status')),
          ms: inView(row.children[5] ?? null) && /^\d+$/.test(row.children[5]?.textContent ?? ''),
        }))
        // The label a switch shows must fit its box: text width against the box less its padding
        // and the drop-down arrow.
        const select = document.querySelector('#irm-switches select') as HTMLSelectElement
        const style = getComputedStyle(select)
        const context = document
          .createElement('canvas')
          .getContext('2d') as CanvasRenderingContext2D
        context.font = `${style.fontWeight} ${style.fontSize} ${style.fontFamily}`
        const room =
          select.clientWidth -
          Number.parseFloat(style.paddingLeft) -
          Number.parseFloat(style.paddingRight) -
          16
        const cut = [...select.options]
          .map((o) => o.textContent ?? '')
          .filter((label) => context.measureText(label).width > room)
        return { rows: rows.length, cells, cut, selectInView: inView(select) }
      })
      expect(seen.rows).toBeGreaterThanOrEqual(4)
      expect(seen.cells).toEqual(seen.cells.map(() => ({ time: true, status: true, ms: true })))
      expect(seen).toMatchObject({ cut: [], selectInView: true })
    })
  }

  it('at 1366 px: operation ids in the switches table sit on one line (they wrap only when the table has no room)', async () => {
    await page.setViewportSize({ width: 1366, height: 900 })
    const wrapped = await page.evaluate(() =>
      [...document.querySelectorAll('#irm-switches th[scope=row]')]
        .filter((th) => {
          const range = document.createRange()
          range.selectNodeContents(th)
          return new Set([...range.getClientRects()].map((r) => Math.round(r.top))).size > 1
        })
        .map((th) => th.textContent),
    )
    expect(wrapped).toEqual([])
  })
})
