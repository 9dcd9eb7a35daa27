import { type ChildProcess, spawn } from 'node:child_process'
import path from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'

// The standalone Express server runs in a child process: a pattern that backtracked would block
// that process, not this runner, and show up here as a timeout instead of a hung test run.
const SERVER = path.resolve(import.meta.dirname, '../../server.ts')
/** Generous bounds in seconds: this is no benchmark, it only tells "prompt" from "stalled". */
const ANSWER_WITHIN_MS = 10_000
const HEALTH_WITHIN_MS = 5_000

const SNOWFLAKE = { Authorization: 'Bearer t' }
const RHACS = { Authorization: 'Bearer rhacs-test-admin-token' }
const REPOS = '/api/v2/databases/ml_platform/schemas/images/image-repositories'

let child: ChildProcess
let baseUrl: string

beforeAll(async () => {
  child = spawn(process.execPath, ['--import', 'tsx', SERVER, '--port', '0', '--seed', '5'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let stdout = ''
  child.stdout?.on('data', (d) => {
    stdout += d
  })
  for (let i = 0; i < 400 && !baseUrl; i++) {
    baseUrl = /listening on (http:\/\/\S+)/.exec(stdout)?.[1] ?? ''
    await new Promise((r) => setTimeout(r, 50))
  }
  if (!baseUrl) throw new Error(`the server printed no URL: ${stdout}`)
}, 60_000)

afterAll(() => {
  child?.kill('SIGKILL')
})

afterEach(async () => {
  await fetch(`${baseUrl}/__mock/faults`, { method: 'DELETE' })
})

interface Timed {
  status: number
  body: string
  ms: number
}

async function timed(pathAndQuery: string, init: RequestInit = {}): Promise<Timed> {
  const start = performance.now()
  const response = await fetch(`${baseUrl}${pathAndQuery}`, {
    ...init,
    signal: AbortSignal.timeout(ANSWER_WITHIN_MS * 2),
  })
  const body = await response.text()
  return { status: response.status, body, ms: performance.now() - start }
}

/**
 * Sends a request and, while it is in the server, a health check; both must answer promptly.
 * Returns the first request's answer.
 */
async function answeredPromptlyBesideHealth(
  pathAndQuery: string,
  init: RequestInit = {},
): Promise<Timed> {
  const request = timed(pathAndQuery, init)
  await new Promise((r) => setTimeout(r, 20))
  const [answer, health] = await Promise.all([request, timed('/__mock/health')])
  expect(health.status).toBe(200)
  expect(health.ms, 'the health check waited for the pattern').toBeLessThan(HEALTH_WITHIN_MS)
  expect(answer.ms, `${pathAndQuery.slice(0, 120)} took too long`).toBeLessThan(ANSWER_WITHIN_MS)
  return answer
}

const enc = encodeURIComponent

describe('patterns a caller controls are matched without backtracking (standalone server)', {
  timeout: 60_000,
}, () => {
  it('Snowflake like: many % before a letter no name ends with', async () => {
    for (const like of [`${'%'.repeat(16)}a`, `${'%'.repeat(200)}#`, `${'%_'.repeat(200)}#`]) {
      const answer = await answeredPromptlyBesideHealth(`${REPOS}?like=${enc(like)}`, {
        headers: SNOWFLAKE,
      })
      expect(answer.status, answer.body).toBe(200)
    }
  })

  it('RHACS r/ queries on /v1/images, /v1/imagescount and /v1/export/images', async () => {
    const query = enc(`Image:r/${'.*'.repeat(30)}#`)
    for (const route of ['/v1/images', '/v1/imagescount', '/v1/export/images']) {
      const answer = await answeredPromptlyBesideHealth(`${route}?query=${query}`, {
        headers: RHACS,
      })
      expect(answer.status, answer.body).toBe(200)
    }
    const nested = await answeredPromptlyBesideHealth(
      `/v1/images?query=${enc('Image:r/(a|aa)*(.*.*)*#')}`,
      { headers: RHACS },
    )
    expect(JSON.parse(nested.body)).toEqual({ images: [] })
  })

  it('fault rules: operation and path globs of many * are added and evaluated promptly', async () => {
    const add = await answeredPromptlyBesideHealth('/__mock/faults', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify([
        // Never matches a path: every request is checked against it.
        { match: { path: `${'*'.repeat(200)}#` }, effect: { status: 500 } },
        {
          match: { operation: `${'*'.repeat(200)}listimagerepositories` },
          effect: { status: 503 },
        },
      ]),
    })
    expect(add.status, add.body).toBe(201)
    const faulted = await answeredPromptlyBesideHealth(REPOS, { headers: SNOWFLAKE })
    expect(faulted.status, 'the operation glob fired').toBe(503)
    const passed = await answeredPromptlyBesideHealth('/v1/imagescount', { headers: RHACS })
    expect(passed.status, 'the path glob matched nothing').toBe(200)
  })

  it('journal queries: an operation glob of many * is answered promptly', async () => {
    await timed(REPOS, { headers: SNOWFLAKE })
    const answer = await answeredPromptlyBesideHealth(
      `/__mock/journal?operation=${enc(`${'*'.repeat(2000)}#`)}`,
    )
    expect(answer.status, answer.body).toBe(200)
    expect(JSON.parse(answer.body).entries).toEqual([])
    const some = await answeredPromptlyBesideHealth(
      `/__mock/journal?operation=${enc(`${'*?'.repeat(10)}*images`)}`,
    )
    expect(JSON.parse(some.body).entries.length).toBeGreaterThan(0)
  })
})
