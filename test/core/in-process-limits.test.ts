import { createRequire } from 'node:module'
import { afterEach, describe, expect, it } from 'vitest'
import { type Harness, startHarness, TRANSPORTS } from '../support/harness.ts'

/**
 * The two limits of msw 2's interceptors the README names beside the redirect and retry recipes,
 * and what it says to use instead: in-process under msw 2 the limit shows; the standalone server
 * (and msw 3's interceptors, for the cancel) behave as a real server does.
 */
const MSW_MAJOR = Number(createRequire(import.meta.url)('msw/package.json').version.split('.')[0])
const REPOS = '/api/v2/databases/ml_platform/schemas/images/image-repositories'
const HEADERS = { Authorization: 'Bearer limits', 'Content-Type': 'application/json' }

let harness: Harness | undefined
afterEach(async () => {
  await harness?.close()
  harness = undefined
})

describe.each(TRANSPORTS)('in-process limits of msw 2 (%s)', (transport) => {
  const limited = transport === 'msw' && MSW_MAJOR === 2

  it.each([301, 302, 307, 308])('a %i fault on a request with a body', async (status) => {
    harness = await startHarness(transport)
    const h = harness
    h.mock.faults.add({
      match: { operation: 'snowflake.createImageRepository' },
      effect: { status, location: `${h.baseUrl}${REPOS}` },
      times: limited ? 2 : 1,
    })
    const post = (init: RequestInit = {}) =>
      h.fetch(REPOS, { method: 'POST', headers: HEADERS, body: '{"name":"moved"}', ...init })
    if (limited) {
      await expect(post()).rejects.toThrow('Failed to fetch')
      // Instead: `redirect: 'manual'` shows the redirect, and the client follows it itself.
      const redirect = await post({ redirect: 'manual' })
      expect(redirect.status).toBe(status)
      expect(redirect.headers.get('location')).toBe(`${h.baseUrl}${REPOS}`)
      return
    }
    const followed = await post()
    expect(followed.redirected).toBe(true)
    expect(followed.status).toBe(200)
    // fetch re-sends a 307/308 as it was, and a 301/302 POST as a GET (Fetch standard §4.4).
    const methods = h.mock.journal.find({ operation: 'snowflake.*' }).map((e) => e.method)
    expect(methods).toEqual(['POST', status === 307 || status === 308 ? 'POST' : 'GET'])
  })

  it('cancelling a mocked answer’s body', async () => {
    harness = await startHarness(transport)
    const answer = await harness.fetch('/api/v2/databases/missing', { headers: HEADERS })
    expect(answer.status).toBe(404)
    const body = answer.body as ReadableStream
    const outcome = await Promise.race([
      body.cancel().then(() => 'settled'),
      new Promise((resolve) => setTimeout(() => resolve('pending'), 500)),
    ])
    expect(outcome).toBe(limited ? 'pending' : 'settled')
    // Instead: reading the error body to its end settles everywhere.
    const again = await harness.fetch('/api/v2/databases/missing', { headers: HEADERS })
    expect((await again.json()).code).toEqual(expect.any(String))
  })
})
