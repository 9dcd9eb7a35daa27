import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  allowBrowserTimeouts,
  CHROMIUM_NOTE,
  type Chromium,
  type ExampleServer,
  HAVE_CHROMIUM,
  launchChromium,
  openExample,
  SETUP_TIMEOUT_MS,
  serveExample,
} from './chromium.ts'

allowBrowserTimeouts()

/** How the example app reads on a phone and a laptop. */
describe.skipIf(!HAVE_CHROMIUM)(`example app layout in headless Chromium${CHROMIUM_NOTE}`, () => {
  let browser: Chromium
  let example: ExampleServer
  let page: Page & { errors: string[] }

  beforeAll(async () => {
    ;[browser, example] = await Promise.all([launchChromium(), serveExample()])
    page = await browser.newPage()
    await openExample(page, example.url)
    await page.locator('#cy-list tr').first().waitFor()
  }, SETUP_TIMEOUT_MS)
  afterAll(async () => {
    expect(page?.errors ?? [], 'the page threw no uncaught errors').toEqual([])
    await browser?.close()
    await example?.close()
  })

  const measure = () =>
    page.evaluate(() => {
      // URLs, ids and names wrap at their slashes, dots and underscores; no word of one is split across lines.
      const split: string[] = []
      for (const cell of document.querySelectorAll('#sf-list td, #cy-list td, #retry-log li')) {
        if ((cell as HTMLElement).offsetParent === null) continue
        const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT)
        for (let node = walker.nextNode(); node; node = walker.nextNode()) {
          for (const word of (node.textContent ?? '').matchAll(/[^\s/._-]+/g)) {
            const range = document.createRange()
            range.setStart(node, word.index)
            range.setEnd(node, word.index + word[0].length)
            const lines = new Set([...range.getClientRects()].map((r) => Math.round(r.top)))
            if (lines.size > 1) split.push(word[0])
          }
        }
      }
      // Each row's Delete button is in view without scrolling the table sideways.
      const buttons = [...document.querySelectorAll('#sf-list button, #cy-list button')]
      return {
        split,
        deleteOutOfView: buttons.filter((b) => b.getBoundingClientRect().right > window.innerWidth)
          .length,
        pageFits: document.documentElement.scrollWidth <= window.innerWidth,
      }
    })

  for (const width of [420, 1366]) {
    it(`at ${width} px: no word split mid-way, every Delete button in view, nothing wider than the page`, async () => {
      await page.setViewportSize({ width, height: 900 })
      expect(await measure()).toEqual({ split: [], deleteOutOfView: 0, pageFits: true })
    })
  }
})
