import type { Page } from 'playwright-core'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { DEFAULT_EPOCH } from '../../core/clock.ts'
import { createMock } from '../../index.ts'
import {
  allowBrowserTimeouts,
  CHROMIUM_NOTE,
  type Chromium,
  type ExampleServer,
  exampleReady,
  HAVE_CHROMIUM,
  launchChromium,
  openExample,
  SETUP_TIMEOUT_MS,
  serveExample,
} from './chromium.ts'

const REPOSITORIES = '/api/v2/databases/ML_PLATFORM/schemas/IMAGES/image-repositories'
const AUTH = 'Bearer example-oauth-token'

/** The repository names the default scenario starts with, from a fresh mock in Node. */
async function scenarioRepositories(): Promise<string[]> {
  const mock = createMock()
  await mock.ready
  return mock.db.snowflake.repositories
    .all()
    .filter((r) => r.database_name === 'ML_PLATFORM' && r.schema_name === 'IMAGES')
    .map((r) => r.name)
    .sort()
}

/** A request from the page (answered by its worker): status and JSON body. */
async function call(
  page: Page,
  method: string,
  path: string,
  { body, session }: { body?: unknown; session?: string } = {},
): Promise<{ status: number; body: unknown }> {
  return page.evaluate(
    async ({ method, path, body, session, auth }) => {
      const headers: Record<string, string> = { 'Content-Type': 'application/json' }
      if (!path.startsWith('/__mock')) headers.Authorization = auth
      if (session) headers['X-Mock-Session'] = session
      const response = await fetch(path, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
      })
      const text = await response.text()
      return { status: response.status, body: text === '' ? null : JSON.parse(text) }
    },
    { method, path, body, session, auth: AUTH },
  )
}

async function listed(page: Page, session?: string): Promise<string[]> {
  const { status, body } = await call(page, 'GET', REPOSITORIES, { session })
  expect(status).toBe(200)
  return (body as Array<{ name: string }>).map((r) => r.name).sort()
}

allowBrowserTimeouts()

describe.skipIf(!HAVE_CHROMIUM)(
  `startWorker({ persist: true }) in headless Chromium${CHROMIUM_NOTE}`,
  () => {
    let browser: Chromium
    let example: ExampleServer
    let page: Page & { errors: string[] }
    let initial: string[]

    beforeAll(async () => {
      ;[browser, example, initial] = await Promise.all([
        launchChromium(),
        serveExample(),
        scenarioRepositories(),
      ])
    }, SETUP_TIMEOUT_MS)
    afterAll(async () => {
      await browser?.close()
      await example?.close()
    })
    afterEach(async () => {
      expect(page.errors, 'the page threw no uncaught errors').toEqual([])
      // Each test starts with nothing saved: a mock-wide reset empties the database.
      await page.evaluate(() =>
        (
          globalThis as unknown as { imageRegistryMock: { reset(): Promise<void> } }
        ).imageRegistryMock.reset(),
      )
      await page.close()
    })

    async function open(query: string) {
      page = await browser.newPage()
      await openExample(page, example.url, query)
    }

    async function reload() {
      await page.reload()
      await exampleReady(page)
    }

    it('keeps a repository created in the app, fault rules with their counters and the clock across a reload; mock.reset() clears them', async () => {
      await open('?persist=1')
      expect(await page.locator('#target').textContent()).toMatch(
        /Changes are kept in this browser across reloads\.$/,
      )
      await page.getByLabel('Repository name').fill('kept_repo')
      await page.getByRole('button', { name: 'Create repository' }).click()
      await page.locator('#sf-list tr[data-name="KEPT_REPO"]').waitFor()
      const rule = {
        id: 'once',
        match: { operation: 'snowflake.fetchImageRepository' },
        effect: { status: 503 },
        times: 1,
      }
      expect((await call(page, 'POST', '/__mock/faults', { body: rule })).status).toBe(201)
      expect((await call(page, 'GET', `${REPOSITORIES}/KEPT_REPO`)).status).toBe(503)
      const now = Date.parse('2031-05-06T07:08:09Z')
      expect((await call(page, 'POST', '/__mock/clock', { body: { now } })).status).toBe(200)

      await reload()
      expect(await page.locator('#sf-list tr').count()).toBe(initial.length + 1)
      await page.locator('#sf-list tr[data-name="KEPT_REPO"]').waitFor()
      const { body: faults } = await call(page, 'GET', '/__mock/faults')
      expect(faults).toMatchObject({ rules: [{ id: 'once', matched: 1, fired: 1, times: 1 }] })
      // The rule is used up: its counters came back, so it does not fire again.
      expect((await call(page, 'GET', `${REPOSITORIES}/KEPT_REPO`)).status).toBe(200)
      const { body: clock } = await call(page, 'GET', '/__mock/clock')
      // The clock carries on from the saved instant (each vendor request since moved it a step).
      expect((clock as { nowMs: number }).nowMs).toBeGreaterThan(now)
      expect((clock as { nowMs: number }).nowMs).toBeLessThan(now + 60_000)

      await page.evaluate(() =>
        (
          globalThis as unknown as { imageRegistryMock: { reset(): Promise<void> } }
        ).imageRegistryMock.reset(),
      )
      await reload()
      expect(await listed(page)).toEqual(initial)
      expect(await page.locator('#sf-list tr[data-name="KEPT_REPO"]').count()).toBe(0)
      expect((await call(page, 'GET', '/__mock/faults')).body).toEqual({ rules: [] })
      const { body: fresh } = await call(page, 'GET', '/__mock/clock')
      expect((fresh as { nowMs: number }).nowMs).toBeLessThan(DEFAULT_EPOCH + 60_000)
    })

    it('has a write stored before its answer reaches the page: a reload straight after it keeps it', async () => {
      await open('?persist=1')
      await page.evaluate(
        async ({ path, auth }) => {
          const response = await fetch(path, {
            method: 'POST',
            headers: { Authorization: auth, 'Content-Type': 'application/json' },
            body: JSON.stringify({ name: 'SAVED_AT_ONCE' }),
          })
          if (response.status !== 200) throw new Error(`create answered ${response.status}`)
          location.reload()
        },
        { path: REPOSITORIES, auth: AUTH },
      )
      await page.waitForURL(/persist=1/)
      await exampleReady(page)
      await page.locator('#sf-list tr[data-name="SAVED_AT_ONCE"]').waitFor()
      expect(await listed(page)).toEqual([...initial, 'SAVED_AT_ONCE'].sort())
    })

    /** Runs `code` in the page with the example's mock as `mock`. */
    function inPage(code: string) {
      return page.evaluate(`(async (mock) => { ${code} })(globalThis.imageRegistryMock)`)
    }

    const CODE_RULE = {
      id: 'from-code',
      match: { operation: 'snowflake.fetchImageRepository' },
      effect: { status: 503 },
    }

    async function ruleIds(): Promise<string[]> {
      const { body } = await call(page, 'GET', '/__mock/faults')
      return (body as { rules: Array<{ id: string }> }).rules.map((r) => r.id)
    }

    it('has a change made from code under way at once: a reload right after it keeps it', async () => {
      await open('?persist=1')
      // Added and reloaded from the test, one round trip after the other, with nothing awaited.
      await inPage(`mock.faults.add(${JSON.stringify(CODE_RULE)})`)
      await reload()
      expect(await ruleIds()).toEqual(['from-code'])
      // A GET in between, a clock move and a removal from code, each followed by a reload.
      await listed(page)
      await inPage(`mock.clock.set('2031-01-02T03:04:05Z'); mock.faults.remove('from-code')`)
      await reload()
      expect(await ruleIds()).toEqual([])
      const { body: clock } = await call(page, 'GET', '/__mock/clock')
      expect((clock as { nowMs: number }).nowMs).toBeGreaterThanOrEqual(
        Date.parse('2031-01-02T03:04:05Z'),
      )
    })

    it('keeps a change from code when the page reloads itself once saveState() resolves', async () => {
      await open('?persist=1')
      await page.evaluate(`
        const mock = globalThis.imageRegistryMock
        mock.faults.add(${JSON.stringify(CODE_RULE)})
        mock.saveState().then(() => location.reload())
      `)
      await page.waitForURL(/persist=1/)
      await exampleReady(page)
      expect(await ruleIds()).toEqual(['from-code'])
    })

    it('keeps a store write made from code across a reload once saveState() resolves', async () => {
      await open('?persist=1')
      await inPage(
        `await mock.db.snowflake.repositories.create(${JSON.stringify({
          name: 'FROM_CODE',
          database_name: 'ML_PLATFORM',
          schema_name: 'IMAGES',
          created_on: '2026-01-05T10:00:00.000+00:00',
          repository_url:
            'myorg-myaccount.registry.snowflakecomputing.com/ml_platform/images/from_code',
          owner: 'SPCS_ADMIN',
          owner_role_type: 'ROLE',
        })}); await mock.saveState(); location.reload()`,
      )
      await page.waitForURL(/persist=1/)
      await exampleReady(page)
      expect(await listed(page)).toContain('FROM_CODE')
    })

    it('after await mock.saveState(), keeps a change from code across navigating away and back', async () => {
      await open('?persist=1')
      await inPage(`mock.faults.add(${JSON.stringify(CODE_RULE)}); await mock.saveState()`)
      await page.goto('about:blank')
      await openExample(page, example.url, '?persist=1')
      expect(await ruleIds()).toEqual(['from-code'])
    })

    it('keeps every session apart, and a deleted session stays deleted', async () => {
      await open('?persist=1')
      const body = { name: 'ALICE_ONLY' }
      expect((await call(page, 'POST', REPOSITORIES, { body, session: 'alice' })).status).toBe(200)
      await reload()
      expect(await listed(page, 'alice')).toContain('ALICE_ONLY')
      expect(await listed(page)).not.toContain('ALICE_ONLY')
      expect((await call(page, 'DELETE', '/__mock/sessions/alice')).status).toBe(204)
      await reload()
      expect((await call(page, 'GET', '/__mock/sessions')).body).toEqual({ sessions: ['default'] })
      expect(await listed(page, 'alice')).toEqual(initial)
    })

    it('starts from the scenario on every reload without ?persist=1', async () => {
      await open('')
      expect(await page.locator('#target').textContent()).toMatch(
        /A reload starts again from the scenario\.$/,
      )
      expect(await listed(page)).toEqual(initial)
      expect((await call(page, 'POST', REPOSITORIES, { body: { name: 'GONE' } })).status).toBe(200)
      await reload()
      expect(await listed(page)).toEqual(initial)
    })

    it('drops a saved session it cannot read, says so, and starts it from the scenario', async () => {
      await open('?persist=1')
      await page.evaluate(
        () =>
          new Promise<void>((resolve, reject) => {
            const opening = indexedDB.open('image-registry-mock')
            opening.onerror = () => reject(opening.error)
            opening.onsuccess = () => {
              const transaction = opening.result.transaction('sessions', 'readwrite')
              transaction.objectStore('sessions').put({ version: 1, state: '{"stores": 7}' }, 'bob')
              transaction.oncomplete = () => {
                opening.result.close()
                resolve()
              }
              transaction.onerror = () => reject(transaction.error)
            }
          }),
      )
      const warnings: string[] = []
      page.on('console', (message) => {
        if (message.type() === 'warning') warnings.push(message.text())
      })
      await reload()
      expect(warnings).toEqual([
        expect.stringMatching(
          /^\[image-registry-mock\] dropped the saved session "bob" \(it starts from the scenario again\): state\.stores must be an object/,
        ),
      ])
      expect(await listed(page, 'bob')).toEqual(initial)
    })
  },
)
