import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Harness, startHarness, TRANSPORTS } from '../support/harness.ts'

/**
 * A request under a vendor's prefix that no route serves keeps the vendor's own 404/405 and says,
 * in `X-Mock-Hint` and the journal's `hint`, which operation is nearest.
 */

const SNOWFLAKE = { Authorization: 'Bearer hint-token' }
const SWR = { 'X-Auth-Token': 'hint-token', 'Content-Type': 'application/json' }
const CYCLE = {
  Authorization: 'Bearer hint-token',
  'X-Hub-Id': '651586fca6078e98982dbd90',
  'Content-Type': 'application/json',
}
const REPOS = '/api/v2/databases/ML_PLATFORM/schemas/IMAGES/image-repositories'

describe.each(TRANSPORTS)('X-Mock-Hint on an unrouted request (%s)', (transport) => {
  let h: Harness
  beforeAll(async () => {
    h = await startHarness(transport)
  })
  afterAll(() => h.close())

  async function send(method: string, path: string, headers: Record<string, string>) {
    h.mock.journal.clear()
    const response = await h.fetch(path, {
      method,
      headers,
      body: method === 'GET' || method === 'HEAD' ? undefined : '{}',
    })
    const text = await response.text()
    const [entry] = h.mock.journal.find({})
    return { response, text, entry }
  }

  it('a misspelt Snowflake path: its 404 body, and the list operation named by method and path', async () => {
    const { response, text, entry } = await send('GET', `${REPOS.slice(0, -1)}`, SNOWFLAKE)
    expect(response.status).toBe(404)
    // Snowflake's own envelope, unchanged by the hint.
    expect(JSON.parse(text)).toMatchObject({
      code: expect.any(String),
      message: expect.any(String),
    })
    expect(text).not.toContain('did you mean')
    const hint =
      'did you mean GET /api/v2/databases/{database}/schemas/{schema}/image-repositories (snowflake.listImageRepositories)?'
    expect(response.headers.get('X-Mock-Hint')).toBe(hint)
    expect(entry).toMatchObject({ status: 404, hint })
  })

  it('the same typo with POST names the create operation: method breaks the tie', async () => {
    const { response, entry } = await send('POST', `${REPOS.slice(0, -1)}`, SNOWFLAKE)
    expect(response.status).toBe(404)
    expect(response.headers.get('X-Mock-Hint')).toMatch(
      /^did you mean POST \/api\/v2\/databases\/\{database\}\/schemas\/\{schema\}\/image-repositories \(snowflake\.\w+\)\?$/,
    )
    expect(entry?.hint).toBe(response.headers.get('X-Mock-Hint'))
  })

  it('a wrong method keeps the 405 with Allow and names a served method at that path', async () => {
    const { response, entry } = await send('PATCH', REPOS, SNOWFLAKE)
    expect(response.status).toBe(405)
    expect(response.headers.get('Allow')).toMatch(/GET/)
    const hint = response.headers.get('X-Mock-Hint') ?? ''
    const method = /^did you mean (\w+) /.exec(hint)?.[1] ?? ''
    expect(response.headers.get('Allow')?.split(', ')).toContain(method)
    expect(hint).toContain(' /api/v2/databases/{database}/schemas/{schema}/image-repositories (')
    expect(entry?.hint).toBe(hint)
  })

  it('SWR answers a wrong method as 404, still with the hint', async () => {
    const { response, text } = await send('DELETE', '/v2/manage/shared-repositories', SWR)
    expect(response.status).toBe(404)
    expect(JSON.parse(text)).toMatchObject({ error_code: expect.any(String) })
    expect(response.headers.get('X-Mock-Hint')).toMatch(
      /^did you mean \w+ \/v2\/manage\/shared-repositories \(swr\.\w+\)\?$/,
    )
  })

  it('a Cycle path with an extra segment names the route it extends', async () => {
    const { response } = await send('GET', '/v1/images/sources/abc/extra', CYCLE)
    expect(response.status).toBe(404)
    expect(response.headers.get('X-Mock-Hint')).toMatch(
      /^did you mean GET \/v1\/images\/sources\/\{\w+\} \(cycle\.\w+\)\?$/,
    )
  })

  it('a routed request carries no hint, nor does its journal entry', async () => {
    const { response, entry } = await send('GET', REPOS, SNOWFLAKE)
    expect(response.status).toBe(200)
    expect(response.headers.has('X-Mock-Hint')).toBe(false)
    expect(entry && 'hint' in entry).toBe(false)
  })

  it('a very long path is answered at once, with a hint from its first segments', async () => {
    // Node's HTTP server refuses request heads over 16 kB, so Express gets a shorter one.
    const size = transport === 'express' ? 6_000 : 400_000
    const long = `${REPOS}${'x'.repeat(size)}/${'y/'.repeat(size / 2)}`
    const started = performance.now()
    const { response } = await send('GET', long, SNOWFLAKE)
    expect(response.status).toBe(404)
    expect(response.headers.get('X-Mock-Hint')).toMatch(/^did you mean GET \/api\/v2\/databases\//)
    // Generous for a busy machine: an edit distance over the whole path would take seconds.
    expect(performance.now() - started).toBeLessThan(2_000)
  })
})

describe.each(TRANSPORTS)('X-Mock-Hint on a typo of a vendor prefix (%s)', (transport) => {
  let h: Harness
  beforeAll(async () => {
    h = await startHarness(transport)
  })
  afterAll(() => h.close())

  it.each([
    ['/api/v2/databasez', 'GET /api/v2/databases (snowflake.listDatabases)', 'snowflake'],
    ['/api/v2/database', 'GET /api/v2/databases (snowflake.listDatabases)', 'snowflake'],
    ['/v1/imagecount', 'GET /v1/imagescount (rhacs.ImageService_CountImages)', 'rhacs'],
    ['/v1/imagez', 'GET /v1/images (rhacs.ImageService_ListImages)', 'rhacs'],
  ])('GET %s: the vendor 404, the hint and a journal entry', async (path, operation, vendor) => {
    h.mock.journal.clear()
    const response = await h.fetch(path, { headers: SNOWFLAKE })
    const text = await response.text()
    expect(response.status).toBe(404)
    expect(text).not.toContain('No mocked API serves')
    const hint = `did you mean ${operation}?`
    expect(response.headers.get('X-Mock-Hint')).toBe(hint)
    const [entry] = h.mock.journal.find({})
    expect(entry).toMatchObject({ status: 404, hint, operation: `${vendor}.unmatched` })
  })

  it('a path that is no typo of any prefix stays unserved and unjournaled', async () => {
    h.mock.journal.clear()
    const sent = h.fetch('/api/v3/users')
    if (transport === 'msw') {
      // The harness's msw server refuses an unhandled request (`onUnhandledRequest: 'error'`).
      await expect(sent).rejects.toThrow()
    } else {
      const response = await sent
      expect(response.status).toBe(404)
      expect(response.headers.has('X-Mock-Hint')).toBe(false)
      expect(await response.text()).toContain('No mocked API serves GET /api/v3/users')
    }
    expect(h.mock.journal.find({})).toEqual([])
  })
})
