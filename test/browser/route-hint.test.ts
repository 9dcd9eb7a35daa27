import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Listening, serveRaw } from '../proxy/support.ts'
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
} from './chromium.ts'

// A wrong URL as a frontend developer meets it: a page on another origin reads X-Mock-Hint
// (CORS exposes it), and the dashboard's journal shows the same hint.
allowBrowserTimeouts()

const TYPO = '/api/v2/databases/ML_PLATFORM/schemas/IMAGES/image-repository'
const HINT =
  'did you mean GET /api/v2/databases/{database}/schemas/{schema}/image-repositories (snowflake.listImageRepositories)?'

describe.skipIf(!HAVE_CHROMIUM)(`X-Mock-Hint in headless Chromium${CHROMIUM_NOTE}`, () => {
  let browser: Chromium
  let server: StandaloneServer
  let frontend: Listening
  let page: Page & { errors: string[] }

  beforeAll(async () => {
    browser = await launchChromium()
    server = await startStandalone()
    frontend = await serveRaw((_, res) => {
      res.setHeader('Content-Type', 'text/html; charset=utf-8')
      res.end('<!doctype html><title>frontend</title>')
    })
    page = await browser.newPage()
  }, SETUP_TIMEOUT_MS)
  afterAll(async () => {
    await browser?.close()
    await server?.close()
    await frontend?.close()
  })

  it('a page on another origin reads the hint beside the vendor’s 404, and the dashboard shows it', async () => {
    await page.goto(frontend.url)
    const seen = await page.evaluate(
      async ([url]) => {
        const response = await fetch(url as string, {
          headers: { Authorization: 'Bearer browser-token' },
        })
        return {
          status: response.status,
          hint: response.headers.get('X-Mock-Hint'),
          body: await response.json(),
        }
      },
      [`${server.url}${TYPO}`],
    )
    expect(seen).toMatchObject({ status: 404, hint: HINT, body: { message: expect.any(String) } })

    await openDashboard(page, server.url)
    const row = page.locator('#irm-journal-body tr[data-status="404"]')
    await row.waitFor()
    expect(await row.locator('td', { hasText: TYPO }).getAttribute('title')).toBe(HINT)
    await row.click()
    const detail = page.locator('#irm-journal-body tr.detail dd[data-field="hint"]')
    expect(await detail.textContent()).toBe(HINT)
    expect(await detail.isVisible()).toBe(true)
    expect(page.errors).toEqual([])
  })
})
