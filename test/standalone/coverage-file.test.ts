import { access, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import http from 'node:http'
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

  it('leaves no file a gate could read until it has written the result: an old one is removed', async () => {
    const file = path.join(dir, 'stale.json')
    await writeFile(file, '{"operations": []}\n')
    await writeFile(path.join(dir, 'stale.md'), 'old table\n')
    const server = startServer(bundle.file, ['--port', '0', '--coverage', file])
    await server.url()
    await expect(access(file)).rejects.toThrow(/ENOENT/)
    await expect(access(path.join(dir, 'stale.md'))).rejects.toThrow(/ENOENT/)
    // No probe or temporary file is left beside it either.
    expect((await readdir(dir)).filter((name) => name.startsWith('stale'))).toEqual([])
    server.child.kill('SIGTERM')
    expect(await server.exited()).toBe(0)
    expect(JSON.parse(await readFile(file, 'utf8'))).toEqual({ operations: [] })
    expect((await readdir(dir)).filter((name) => name.startsWith('stale')).sort()).toEqual([
      'stale.json',
      'stale.md',
    ])
  }, 60_000)

  it('exits at once beside an idle keep-alive connection, and answers a request in flight first', async () => {
    const file = path.join(dir, 'keep-alive.json')
    const server = startServer(bundle.file, [
      '--port',
      '0',
      '--coverage',
      file,
      '--fault',
      'snowflake.fetchImageRepository:404:delayMs=700',
    ])
    const url = new URL(await server.url())
    const agent = new http.Agent({ keepAlive: true, maxSockets: 2 })
    const get = (pathname: string) =>
      new Promise<number>((resolve, reject) => {
        http
          .get(
            {
              host: url.hostname,
              port: url.port,
              path: pathname,
              agent,
              headers: { Authorization: 'Bearer t' },
            },
            (response) => {
              response.resume()
              response.on('end', () => resolve(response.statusCode ?? 0))
            },
          )
          .on('error', reject)
      })
    try {
      // Two pooled connections: one idle after its answer, one waiting on a 700 ms answer.
      expect(await get(REPOS)).toBe(200)
      const slow = get(`${REPOS}/in_flight`)
      await new Promise((resolve) => setTimeout(resolve, 200))
      const stopping = Date.now()
      server.child.kill('SIGTERM')
      expect(await slow).toBe(404)
      expect(await server.exited()).toBe(0)
      // The in-flight answer's 500 ms or so, not a keep-alive timeout's seconds.
      expect(Date.now() - stopping).toBeLessThan(1_500)
    } finally {
      agent.destroy()
    }
    const operations = JSON.parse(await readFile(file, 'utf8')).operations
    expect(
      operations.map((op: { operation: string; calls: number }) => [op.operation, op.calls]),
    ).toEqual([
      ['snowflake.fetchImageRepository', 1],
      ['snowflake.listImageRepositories', 1],
    ])
  }, 60_000)

  it('refuses a folder as FILE at start', async () => {
    const folder = path.join(dir, 'a-folder.json')
    await mkdir(folder, { recursive: true })
    const server = startServer(bundle.file, ['--port', '0', '--coverage', folder])
    expect(await server.exited()).not.toBe(0)
    expect(server.stderr()).toContain(`--coverage ${folder}: is a folder, not a file`)
  }, 60_000)

  it('refuses a path it cannot write at start', async () => {
    const file = path.join(dir, 'missing', 'coverage.json')
    const server = startServer(bundle.file, ['--port', '0', '--coverage', file])
    expect(await server.exited()).toBe(2)
    expect(server.stderr()).toContain(
      `--coverage ${file}: the folder ${path.join(dir, 'missing')} does not exist`,
    )
  }, 60_000)
})
