import type { ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { freePort } from '../../bench/load.ts'
import { findNginx, startNginx } from '../../bench/sharding.ts'
import { buildServerBundle, killServers, startServer } from '../support/cli-process.ts'

// The README's multi-instance setup as shipped: two CLI processes, each with its own --state,
// behind nginx running examples/sharding/nginx.conf (only its ports changed, by the bench's
// helper), routed by X-Mock-Session. nginx runs as this test's own child, not as a service.
vi.setConfig({ testTimeout: 60_000 })

const NGINX = findNginx()
const NGINX_NOTE = NGINX
  ? ''
  : ' [skipped: nginx is missing; install it with scripts/install-nginx.sh (as root)]'
if (!NGINX) {
  console.warn(
    'Skipping the sharding test: nginx is missing. Install it with scripts/install-nginx.sh (as root) to run it.',
  )
}

const SNOWFLAKE = '/api/v2/databases/ml_platform/schemas/images/image-repositories'
const snowflake = { Authorization: 'Bearer t', 'Content-Type': 'application/json' }

describe.skipIf(!NGINX)(
  `two instances behind nginx, sharded by X-Mock-Session${NGINX_NOTE}`,
  () => {
    let bundle: Awaited<ReturnType<typeof buildServerBundle>>
    let dir: string
    let nginx: ChildProcess | undefined
    let front: string
    const instances: Array<{ url: string; state: string }> = []

    beforeAll(async () => {
      bundle = await buildServerBundle()
      dir = await mkdtemp(path.join(tmpdir(), 'irm-sharding-'))
      for (const name of ['one', 'two']) {
        const state = path.join(dir, `state-${name}.json`)
        const server = startServer(bundle.file, ['--port', '0', '--state', state], dir)
        instances.push({ url: await server.url(), state })
      }
      const ports = instances.map((i) => Number(new URL(i.url).port))
      const listen = await freePort()
      nginx = (await startNginx(NGINX as string, listen, ports)).child
      front = `http://127.0.0.1:${listen}`
    })

    afterAll(async () => {
      if (nginx && nginx.exitCode === null) {
        const exited = once(nginx, 'exit')
        nginx.kill('SIGTERM')
        await exited
      }
      killServers()
      await bundle?.dispose()
      if (dir) await rm(dir, { recursive: true, force: true })
    })

    const sessionsOf = async (url: string): Promise<string[]> =>
      ((await (await fetch(`${url}/__mock/sessions`)).json()) as { sessions: string[] }).sessions

    /** The instances (by index) whose own session list names `session`. */
    const holders = async (session: string) => {
      const lists = await Promise.all(instances.map((i) => sessionsOf(i.url)))
      return lists.flatMap((list, index) => (list.includes(session) ? [index] : []))
    }

    it('spreads different sessions over both instances, each session on exactly one', async () => {
      const names = Array.from({ length: 16 }, (_, i) => `spread-${i}`)
      for (const name of names) {
        const health = await fetch(`${front}/__mock/health`, {
          headers: { 'X-Mock-Session': name },
        })
        expect(health.status).toBe(200)
        expect(((await health.json()) as { session: string }).session).toBe(name)
      }
      const owners = await Promise.all(names.map(holders))
      for (const owner of owners) expect(owner).toHaveLength(1)
      const used = new Set(owners.map((o) => o[0]))
      expect(used).toEqual(new Set([0, 1]))
      // The same session again, twice in a row, reaches the same instance every time.
      for (const [index, name] of names.entries()) {
        for (let i = 0; i < 2; i++)
          await fetch(`${front}/__mock/health`, { headers: { 'X-Mock-Session': name } })
        expect(await holders(name)).toEqual(owners[index])
      }
    })

    it("keeps a session's writes, fault rules, journal and saved state on its own instance", async () => {
      const session = { 'X-Mock-Session': 'team-a' }
      const created = await fetch(`${front}${SNOWFLAKE}`, {
        method: 'POST',
        headers: { ...snowflake, ...session },
        body: JSON.stringify({ name: 'sharded_repo' }),
      })
      expect(created.status).toBe(200)
      const rule = await fetch(`${front}/__mock/faults`, {
        method: 'POST',
        headers: session,
        body: JSON.stringify({
          id: 'once',
          match: { operation: 'snowflake.listImageRepositories' },
          effect: { status: 503 },
          times: 1,
        }),
      })
      expect(rule.status).toBe(201)
      // Every request of the session, through nginx, meets the rule and the record.
      const first = await fetch(`${front}${SNOWFLAKE}`, { headers: { ...snowflake, ...session } })
      expect(first.status).toBe(503)
      expect(first.headers.get('x-mock-fault')).toBe('once')
      await first.arrayBuffer()
      const second = await fetch(`${front}${SNOWFLAKE}`, { headers: { ...snowflake, ...session } })
      expect(second.status).toBe(200)
      const names = ((await second.json()) as Array<{ name: string }>).map((r) => r.name)
      expect(names).toContain('SHARDED_REPO')

      const journal = (await (
        await fetch(`${front}/__mock/journal?vendor=snowflake`, { headers: session })
      ).json()) as { entries: Array<{ operation: string; status: number; fault?: string }> }
      expect(journal.entries.map((e) => [e.operation, e.status, e.fault ?? null])).toEqual([
        ['snowflake.createImageRepository', 200, null],
        ['snowflake.listImageRepositories', 503, 'once'],
        ['snowflake.listImageRepositories', 200, null],
      ])

      // All of it on one instance: asked directly, the other has no such session, and the
      // owner's journal and state file hold what went through nginx.
      const [owner, ...others] = await holders('team-a')
      expect(others).toEqual([])
      const own = instances[owner as number]!
      const other = instances[1 - (owner as number)]!
      const direct = (await (
        await fetch(`${own.url}/__mock/journal?vendor=snowflake`, { headers: session })
      ).json()) as typeof journal
      expect(direct.entries).toEqual(journal.entries)
      expect(await sessionsOf(other.url)).not.toContain('team-a')

      const saved = async (file: string) => JSON.stringify(JSON.parse(await readFile(file, 'utf8')))
      await vi.waitFor(async () => expect(await saved(own.state)).toContain('SHARDED_REPO'), {
        timeout: 5_000,
      })
      expect(await saved(other.state)).not.toContain('SHARDED_REPO')
    })

    it('sends requests without X-Mock-Session to the instance of the session `default`', async () => {
      const created = await fetch(`${front}${SNOWFLAKE}`, {
        method: 'POST',
        headers: snowflake,
        body: JSON.stringify({ name: 'unnamed_session_repo' }),
      })
      expect(created.status).toBe(200)
      const named = await fetch(`${front}${SNOWFLAKE}`, {
        headers: { ...snowflake, 'X-Mock-Session': 'default' },
      })
      const names = ((await named.json()) as Array<{ name: string }>).map((r) => r.name)
      expect(names).toContain('UNNAMED_SESSION_REPO')
      // Only that instance holds the record (the other's `default` session is untouched).
      const seen = await Promise.all(
        instances.map(async (i) => {
          const list = await fetch(`${i.url}${SNOWFLAKE}`, { headers: snowflake })
          return ((await list.json()) as Array<{ name: string }>).some(
            (r) => r.name === 'UNNAMED_SESSION_REPO',
          )
        }),
      )
      expect(seen.filter(Boolean)).toHaveLength(1)
    })

    it('drops a session on its own instance when the DELETE carries its name as X-Mock-Session', async () => {
      await fetch(`${front}/__mock/health`, { headers: { 'X-Mock-Session': 'short-lived' } })
      expect(await holders('short-lived')).toHaveLength(1)
      const dropped = await fetch(`${front}/__mock/sessions/short-lived`, {
        method: 'DELETE',
        headers: { 'X-Mock-Session': 'short-lived' },
      })
      expect(dropped.status).toBe(204)
      expect(await holders('short-lived')).toEqual([])
    })
  },
)
