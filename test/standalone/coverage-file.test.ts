import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { buildServerBundle, killServers, startServer } from '../support/cli-process.ts'

let bundle: Awaited<ReturnType<typeof buildServerBundle>>
let dir: string
beforeAll(async () => {
  bundle = await buildServerBundle()
  dir = await mkdtemp(path.join(tmpdir(), 'irm-coverage-'))
}, 120_000)
afterAll(async () => {
  await bundle?.dispose()
  await rm(dir, { recursive: true, force: true })
})
afterEach(killServers)

const REPOS = '/api/v2/databases/ml_platform/schemas/images/image-repositories'

describe('--coverage FILE', () => {
  it('writes the coverage of every session on exit, as JSON and a Markdown table beside it', async () => {
    const file = path.join(dir, 'coverage.json')
    const server = startServer(bundle.file, [
      '--port',
      '0',
      '--coverage',
      file,
      '--fault',
      'snowflake.listImageRepositories:503:times=1',
    ])
    const url = await server.url()
    const auth = { Authorization: 'Bearer t' }
    expect((await fetch(`${url}${REPOS}`, { headers: auth })).status).toBe(503)
    expect((await fetch(`${url}${REPOS}`, { headers: auth })).status).toBe(200)
    const other = { ...auth, 'X-Mock-Session': 'ci' }
    expect((await fetch(`${url}${REPOS}`, { headers: other })).status).toBe(503)
    const live = await (await fetch(`${url}/__mock/coverage`)).json()
    server.child.kill('SIGTERM')
    expect(await server.exited()).toBe(0)
    const written = JSON.parse(await readFile(file, 'utf8'))
    const [list] = written.operations
    expect(list).toMatchObject({
      operation: 'snowflake.listImageRepositories',
      calls: 3,
      received: { statuses: [200, 503], faults: [] },
    })
    expect(list.untested.statuses).not.toContain(503)
    expect(list.untested.faults).toContain('reset')
    // The default session alone saw two of the three calls.
    expect(live.operations[0].calls).toBe(2)
    const markdown = await readFile(path.join(dir, 'coverage.md'), 'utf8')
    expect(markdown).toContain('| snowflake.listImageRepositories | 3 | 200, 503 |')
  }, 60_000)

  it('refuses a path it cannot write at start', async () => {
    const server = startServer(bundle.file, [
      '--port',
      '0',
      '--coverage',
      path.join(dir, 'missing', 'coverage.json'),
    ])
    expect(await server.exited()).not.toBe(0)
    expect(server.stderr()).toMatch(/ENOENT|no such file/)
  }, 60_000)
})
