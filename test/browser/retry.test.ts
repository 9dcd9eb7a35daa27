import { describe, expect, it } from 'vitest'
import {
  backoffDelay,
  fetchWithRetry,
  parseRetryAfter,
  type RetryEvent,
} from '../../examples/src/retry.ts'

/** A fake fetch answering with the given statuses (0 = network error) and recording calls. */
function scripted(statuses: Array<number | [number, string]>) {
  const calls: string[] = []
  const fetch = (async (input: string | URL | Request) => {
    calls.push(String(input))
    const next = statuses.shift()
    if (next === undefined) throw new Error('fetch called more often than scripted')
    const [status, retryAfter] = Array.isArray(next) ? next : [next, undefined]
    if (status === 0) throw new TypeError('Failed to fetch')
    return new Response(`{"status":${status}}`, {
      status,
      headers: retryAfter === undefined ? {} : { 'Retry-After': retryAfter },
    })
  }) as typeof globalThis.fetch
  return { fetch, calls }
}

/** Options that record waits instead of sleeping. */
function recorder(random = () => 0.5) {
  const waits: number[] = []
  const events: RetryEvent[] = []
  return {
    waits,
    events,
    options: {
      random,
      sleep: async (ms: number) => {
        waits.push(ms)
      },
      onRetry: (event: RetryEvent) => events.push(event),
      now: () => Date.parse('2026-03-02T09:00:00Z'),
    },
  }
}

describe('fetchWithRetry', () => {
  it('retries 503 and 429 until a success and returns it', async () => {
    const { fetch, calls } = scripted([503, 429, 200])
    const r = recorder()
    const response = await fetchWithRetry('https://api.test/x', {}, { ...r.options, fetch })
    expect(response.status).toBe(200)
    expect(calls).toHaveLength(3)
    expect(r.events.map((e) => [e.attempt, e.status])).toEqual([
      [1, 503],
      [2, 429],
    ])
  })

  it('waits a full-jitter delay: random × min(cap, base × 2^retry)', async () => {
    const { fetch } = scripted([503, 503, 503, 503, 200])
    const r = recorder(() => 0.5)
    await fetchWithRetry('https://api.test/x', {}, { ...r.options, fetch, baseMs: 100, capMs: 300 })
    expect(r.waits).toEqual([50, 100, 150, 150])
  })

  it('never waits less than Retry-After, in seconds or as an HTTP date', async () => {
    const { fetch } = scripted([[503, '2'], [429, 'Mon, 02 Mar 2026 09:00:03 GMT'], 200])
    const r = recorder(() => 0.99)
    await fetchWithRetry('https://api.test/x', {}, { ...r.options, fetch, baseMs: 100 })
    expect(r.waits).toEqual([2000, 3000])
    expect(r.events.map((e) => e.retryAfterMs)).toEqual([2000, 3000])
  })

  it('keeps the longer backoff when Retry-After is shorter', async () => {
    const { fetch } = scripted([[503, '0'], 200])
    const r = recorder(() => 0.5)
    await fetchWithRetry('https://api.test/x', {}, { ...r.options, fetch, baseMs: 400 })
    expect(r.waits).toEqual([200])
  })

  it('gives up after maxAttempts and returns the last failure', async () => {
    const { fetch, calls } = scripted([503, 503, 503])
    const r = recorder()
    const response = await fetchWithRetry(
      'https://api.test/x',
      {},
      { ...r.options, fetch, maxAttempts: 3 },
    )
    expect(response.status).toBe(503)
    expect(calls).toHaveLength(3)
    expect(r.waits).toHaveLength(2)
  })

  it('does not wait for a Retry-After longer than maxRetryAfterMs', async () => {
    const { fetch, calls } = scripted([[429, '3600']])
    const r = recorder()
    const response = await fetchWithRetry('https://api.test/x', {}, { ...r.options, fetch })
    expect(response.status).toBe(429)
    expect(calls).toHaveLength(1)
    expect(r.waits).toEqual([])
  })

  it('returns other errors at once', async () => {
    const { fetch, calls } = scripted([409])
    const response = await fetchWithRetry(
      'https://api.test/x',
      {},
      { ...recorder().options, fetch },
    )
    expect(response.status).toBe(409)
    expect(calls).toHaveLength(1)
  })

  it('retries a dropped connection of a GET but not of a POST', async () => {
    const get = scripted([0, 200])
    const r = recorder()
    expect(
      (await fetchWithRetry('https://api.test/x', {}, { ...r.options, fetch: get.fetch })).status,
    ).toBe(200)
    expect(r.events[0]).toMatchObject({ attempt: 1, status: 0, retryAfterMs: undefined })
    const post = scripted([0, 200])
    await expect(
      fetchWithRetry(
        'https://api.test/x',
        { method: 'POST' },
        { ...recorder().options, fetch: post.fetch },
      ),
    ).rejects.toThrow('Failed to fetch')
    expect(post.calls).toHaveLength(1)
  })

  it('stops when the caller aborts during a wait', async () => {
    const { fetch } = scripted([503, 200])
    const controller = new AbortController()
    await expect(
      fetchWithRetry(
        'https://api.test/x',
        { signal: controller.signal },
        { fetch, sleep: async () => controller.abort(new Error('gave up')) },
      ),
    ).rejects.toThrow('gave up')
  })
})

describe('backoffDelay and parseRetryAfter', () => {
  it('spreads delays over [0, cap) with the random source', () => {
    expect(backoffDelay(0, undefined, { random: () => 0, baseMs: 100 })).toBe(0)
    expect(backoffDelay(3, undefined, { random: () => 0.999, baseMs: 100, capMs: 10_000 })).toBe(
      799,
    )
    expect(backoffDelay(20, undefined, { random: () => 0.5, baseMs: 100, capMs: 1000 })).toBe(500)
  })

  it('reads delta-seconds and HTTP dates, and ignores anything else', () => {
    const now = Date.parse('2026-03-02T09:00:00Z')
    expect(parseRetryAfter('5', now)).toBe(5000)
    expect(parseRetryAfter(' 0 ', now)).toBe(0)
    expect(parseRetryAfter('Mon, 02 Mar 2026 09:00:10 GMT', now)).toBe(10_000)
    expect(parseRetryAfter('Mon, 02 Mar 2026 08:00:00 GMT', now), 'a past date means now').toBe(0)
    expect(parseRetryAfter('soon', now)).toBeUndefined()
    expect(parseRetryAfter('-1', now)).toBeUndefined()
    expect(parseRetryAfter(null, now)).toBeUndefined()
  })
})
