import type { Page } from 'playwright-core'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
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
  serveExample,
} from './chromium.ts'

const LIST = 'snowflake.listImageRepositories'
/** The example app's Snowflake list, answered by the msw worker on the page's own origin. */
const REPOS = '/api/v2/databases/ML_PLATFORM/schemas/IMAGES/image-repositories'

/** What the page's `fetch` of the list sees, read chunk by chunk. */
interface Seen {
  status?: number
  header?: { length: string | null; fault: string | null }
  bytes: number
  chunks: number
  /** ms from the request to the end of the body (or the failure). */
  ms: number
  /** The first chunk's arrival, ms from the request, and its size. */
  firstMs?: number
  firstBytes?: number
  /** Where it failed: `fetch` (no answer) or `body` (while reading), with the error's name. */
  failed?: { at: 'fetch' | 'body'; name: string }
}

allowBrowserTimeouts()

/**
 * Broken and slow bodies under the browser worker (`startWorker`, which the example app runs), as
 * the README states them: no socket exists there, so `fetch` rejects (garbage, empty), a body read
 * rejects (truncate; Chromium drops the first `bytes` unless a slow body spread them out), and the
 * body arrives in timed chunks (bytesPerSecond).
 */
describe.skipIf(!HAVE_CHROMIUM)(`body faults under the browser worker${CHROMIUM_NOTE}`, () => {
  let browser: Chromium
  let example: ExampleServer
  let page: Page & { errors: string[] }

  beforeAll(async () => {
    ;[browser, example] = await Promise.all([launchChromium(), serveExample()])
    page = await browser.newPage()
    await openExample(page, example.url)
  }, SETUP_TIMEOUT_MS)
  afterAll(async () => {
    expect(page?.errors ?? [], 'the page threw no uncaught errors').toEqual([])
    await browser?.close()
    await example?.close()
  })
  afterEach(async () => {
    expect((await pageControl(page, 'DELETE', '/faults')).status).toBe(204)
  })

  /** The page fetches the list as the app does and reads its body as a stream. */
  const fetchList = (): Promise<Seen> =>
    page.evaluate(async (url) => {
      const started = performance.now()
      const seen: Seen = { bytes: 0, chunks: 0, ms: 0 }
      let response: Response
      try {
        response = await fetch(url, { headers: { Authorization: 'Bearer example-oauth-token' } })
      } catch (error) {
        seen.failed = { at: 'fetch', name: (error as Error).name }
        seen.ms = performance.now() - started
        return seen
      }
      seen.status = response.status
      seen.header = {
        length: response.headers.get('content-length'),
        fault: response.headers.get('x-mock-fault'),
      }
      try {
        const reader = (response.body as ReadableStream<Uint8Array>).getReader()
        for (let read = await reader.read(); !read.done; read = await reader.read()) {
          seen.firstMs ??= performance.now() - started
          seen.firstBytes ??= read.value.byteLength
          seen.bytes += read.value.byteLength
          seen.chunks++
        }
      } catch (error) {
        seen.failed = { at: 'body', name: (error as Error).name }
      }
      seen.ms = performance.now() - started
      return seen
    }, REPOS)

  async function addRule(effect: Record<string, unknown>): Promise<void> {
    const { status, body } = await pageControl(page, 'POST', '/faults', {
      id: 'body-fault',
      match: { operation: LIST },
      effect,
    })
    expect(status, JSON.stringify(body)).toBe(201)
  }

  it('truncate: the real status and headers, then a body read that fails; Chromium keeps none of the bytes that came with the failure', async () => {
    const whole = await fetchList()
    expect(whole.status).toBe(200)
    expect(whole.failed).toBeUndefined()
    await addRule({ network: 'truncate', bytes: 10 })
    const seen = await fetchList()
    expect(seen.status).toBe(200)
    expect(seen.header).toEqual({ length: String(whole.bytes), fault: 'body-fault' })
    expect(seen.failed).toEqual({ at: 'body', name: 'TypeError' })
    // The worker hands over the 10 bytes and the failure at once; Chromium errors the page's
    // stream and drops what it had buffered, so the page reads none of them.
    expect(seen.bytes).toBe(0)
    const { body } = await pageControl(page, 'GET', `/journal?operation=${LIST}`)
    expect(
      body.entries.filter((e: { network?: string }) => e.network === 'truncate'),
      'the journal names the fault',
    ).toEqual([expect.objectContaining({ status: 200, fault: 'body-fault' })])
  })

  it('truncate with bytesPerSecond: the first `bytes` arrive over time, then the read fails', async () => {
    await addRule({ network: 'truncate', bytes: 1000, bytesPerSecond: 2000 })
    const seen = await fetchList()
    expect(seen.status).toBe(200)
    expect(seen.bytes, 'chunks read before the failure reach the page').toBe(1000)
    expect(seen.chunks).toBeGreaterThan(2)
    expect(seen.failed).toEqual({ at: 'body', name: 'TypeError' })
    // The first chunk leaves at once; the rest cannot beat the rate.
    expect(seen.ms).toBeGreaterThanOrEqual(((1000 - (seen.firstBytes ?? 0)) / 2000) * 1000 - 5)
  })

  it('garbage and empty: fetch itself rejects, as a dropped connection does', async () => {
    await addRule({ network: 'garbage' })
    expect((await fetchList()).failed).toEqual({ at: 'fetch', name: 'TypeError' })
    await pageControl(page, 'DELETE', '/faults')
    await addRule({ network: 'empty' })
    expect((await fetchList()).failed).toEqual({ at: 'fetch', name: 'TypeError' })
  })

  it('bytesPerSecond: the whole body, in chunks over time, no faster than the rate', async () => {
    const whole = await fetchList()
    const rate = Math.max(200, Math.ceil(whole.bytes / 1.5))
    await addRule({ bytesPerSecond: rate })
    const seen = await fetchList()
    expect(seen).toMatchObject({ status: 200, bytes: whole.bytes })
    expect(seen.failed).toBeUndefined()
    expect(seen.chunks).toBeGreaterThan(2)
    // The first chunk leaves at once; the rest cannot beat the rate.
    expect(seen.ms, `${whole.bytes} B at ${rate} B/s`).toBeGreaterThanOrEqual(
      ((whole.bytes - (seen.firstBytes ?? 0)) / rate) * 1000 - 5,
    )
    // The body is spread out: its first chunk comes well before its end.
    expect(seen.ms - (seen.firstMs ?? seen.ms)).toBeGreaterThan(500)
  })
})
