import { type ChildProcess, spawn } from 'node:child_process'
import { once } from 'node:events'
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { buildServerBundle } from '../support/cli-process.ts'

// The server bundle as `npm start` runs it, built here once (compiling the sources through tsx in
// every test took seconds per start); the packed bin is exercised by the consumer test.
let bundle: Awaited<ReturnType<typeof buildServerBundle>>
beforeAll(async () => {
  bundle = await buildServerBundle()
})
afterAll(() => bundle?.dispose())
const children: ChildProcess[] = []

function start(args: string[], env: Record<string, string> = {}) {
  const child = spawn(process.execPath, [bundle.file, ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  children.push(child)
  let stdout = ''
  let stderr = ''
  child.stdout?.on('data', (d) => {
    stdout += d
  })
  child.stderr?.on('data', (d) => {
    stderr += d
  })
  return {
    child,
    output: () => ({ stdout, stderr }),
    async url(): Promise<string> {
      for (let i = 0; i < 600; i++) {
        const match = /listening on (http:\/\/\S+)/.exec(stdout)
        if (match) return match[1] as string
        if (child.exitCode !== null) throw new Error(`exited early: ${stderr}`)
        await new Promise((r) => setTimeout(r, 50))
      }
      throw new Error(`no URL printed: ${stdout}${stderr}`)
    },
  }
}

afterEach(() => {
  for (const child of children.splice(0)) child.kill('SIGKILL')
})

describe('the standalone server CLI', () => {
  it('listens on the given port, prints the URL and operations, serves, and exits 0 on SIGTERM', async () => {
    const server = start(['--port', '0', '--seed', '3'])
    const url = await server.url()
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
    expect(server.output().stdout).toMatch(
      /GET +\/api\/v2\/databases\/\{database\}\/schemas\/\{schema\}\/image-repositories +\(snowflake\.listImageRepositories\)/,
    )
    const health = await (await fetch(`${url}/__mock/health`)).json()
    expect(health).toMatchObject({ scenario: 'default', seed: 3 })
    expect(server.output().stdout).toContain(`\ndashboard: ${url}/__mock/\n`)
    expect(server.output().stdout).not.toContain('proxied')
    const dashboard = await fetch(`${url}/__mock/`)
    expect(dashboard.headers.get('content-type')).toMatch(/^text\/html/)
    server.child.kill('SIGTERM')
    const [code] = await once(server.child, 'exit')
    expect(code).toBe(0)
  })

  it('writes a V8 code cache once started, starts from it, and never from a damaged or foreign one', async () => {
    const dir = path.dirname(bundle.file)
    const caches = () => readdirSync(dir).filter((f) => f.endsWith('.cache'))
    const serve = async () => {
      const server = start(['--port', '0'])
      const url = await server.url()
      const health = await (await fetch(`${url}/__mock/health`)).json()
      expect(health).toMatchObject({ status: 'ok', scenario: 'default' })
      server.child.kill('SIGKILL')
      return health as { version: string }
    }
    const cacheWritten = async () => {
      for (let i = 0; i < 100 && caches().length === 0; i++) await sleep(50)
      const [cache] = caches()
      if (!cache) throw new Error('no code cache was written')
      return path.join(dir, cache)
    }
    for (const file of caches()) rmSync(path.join(dir, file))
    await serve()
    const cache = await cacheWritten()
    const good = readFileSync(cache)
    expect(good.length).toBeGreaterThan(100_000)
    await serve() // from the cache
    // Bytes flipped inside V8's data (V8 would crash on some): refused, then written afresh.
    for (const at of [5_000, 50_000, good.length - 100]) {
      const damaged = Buffer.from(good)
      damaged[at] = (damaged[at] as number) ^ 0x55
      writeFileSync(cache, damaged)
      await serve()
    }
    writeFileSync(cache, 'not a code cache')
    await serve()
    // A bundle of the same length but other content must run its own code, not the cache's.
    const cjs = path.join(dir, 'cli.cjs')
    const original = readFileSync(cjs, 'utf8')
    expect(original).toContain('"0.1.0"')
    writeFileSync(cjs, original.replace('"0.1.0"', '"9.9.9"'))
    try {
      expect((await serve()).version).toBe('9.9.9')
    } finally {
      writeFileSync(cjs, original)
    }
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([])
  })

  it('keeps at most four code caches and removes what a killed server left half-written', async () => {
    const dir = path.dirname(bundle.file)
    const listed = (suffix: string) => readdirSync(dir).filter((f) => f.endsWith(suffix))
    for (const file of listed('.cache')) rmSync(path.join(dir, file))
    // Caches of six other flag sets, and the temporary file of a writer that no longer runs
    // (no process has a pid above Linux's highest, 2^22) and of one that does (this one).
    for (let i = 0; i < 6; i++) writeFileSync(path.join(dir, `cli-x64-v8-0-old${i}.cache`), 'x')
    writeFileSync(path.join(dir, `cli-x64-v8-0-old0.cache.${2 ** 22 + 1}.tmp`), 'x')
    const live = `cli-x64-v8-0-old1.cache.${process.pid}.tmp`
    writeFileSync(path.join(dir, live), 'x')
    const server = start(['--port', '0'])
    await server.url()
    // The new cache is written once started; then the others are pruned.
    for (let i = 0; i < 100 && listed('.cache').length > 4; i++) await sleep(50)
    server.child.kill('SIGKILL')
    expect(listed('.cache')).toHaveLength(4)
    expect(listed('.tmp')).toEqual([live])
    rmSync(path.join(dir, live))
  })

  it("maps a stack trace to the TypeScript sources when Node's source maps are on", async () => {
    // A handler that throws (test/support/stack-probe.mjs) is logged with its stack trace.
    const probe = path.resolve(import.meta.dirname, '../support/stack-probe.mjs')
    const traceOf = async (nodeOptions: string) => {
      const server = start(['--port', '0'], { NODE_OPTIONS: `${nodeOptions} --import=${probe}` })
      const response = await fetch(`${await server.url()}/api/v2/databases`, {
        method: 'POST',
        headers: { Authorization: 'Bearer t', 'Content-Type': 'application/json' },
        body: JSON.stringify({ name: 'stack-probe' }),
      })
      expect(response.status).toBe(500)
      await response.text()
      for (let i = 0; i < 100 && !server.output().stderr.includes('    at '); i++) await sleep(50)
      server.child.kill('SIGKILL')
      const { stderr } = server.output()
      expect(stderr).toMatch(/snowflake\.createDatabase failed unexpectedly: Error: stack probe/)
      return stderr
    }
    const dir = path.dirname(bundle.file)
    const caches = () => readdirSync(dir).filter((f) => f.endsWith('.cache'))
    for (const file of caches()) rmSync(path.join(dir, file))
    const mapped = await traceOf('--enable-source-maps')
    expect(mapped).toMatch(/^ {4}at .*[\\/]handlers[\\/]snowflake[\\/][\w/-]+\.ts:\d+:\d+\)?$/m)
    expect(mapped).not.toMatch(/cli\.cjs/)
    // Source-mapped, it still runs through its code cache (written once started).
    expect(caches()).toHaveLength(1)
    // Without them the trace names the bundle.
    expect(await traceOf('')).toMatch(/^ {4}at .*[\\/]cli\.cjs:\d+:\d+\)?$/m)
  })

  it('takes the port from PORT and turns auth off with --auth off', async () => {
    const probe = createServer()
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', () => r()))
    const port = (probe.address() as { port: number }).port
    await new Promise((r) => probe.close(r))
    const server = start(['--auth', 'off'], { PORT: String(port) })
    expect(await server.url()).toBe(`http://127.0.0.1:${port}`)
    const list = await fetch(
      `http://127.0.0.1:${port}/api/v2/databases/ml_platform/schemas/images/image-repositories`,
    )
    expect(list.status).toBe(200)
  })

  it('loads fault rules from --fault and --faults', async () => {
    const server = start([
      '--port',
      '0',
      '--fault',
      'snowflake.listImageRepositories:503:times=2:retryAfter=4',
      '--fault',
      'snowflake.*:delayMs=1',
    ])
    const url = await server.url()
    const repos = `${url}/api/v2/databases/ml_platform/schemas/images/image-repositories`
    const first = await fetch(repos, { headers: { Authorization: 'Bearer t' } })
    expect(first.status).toBe(503)
    expect(first.headers.get('retry-after')).toBe('4')
    expect((await fetch(repos, { headers: { Authorization: 'Bearer t' } })).status).toBe(503)
    const slow = await fetch(repos, { headers: { Authorization: 'Bearer t' } })
    expect(slow.status).toBe(200)
    expect(slow.headers.get('x-mock-fault')).toBe('rule-2')
    // Every session starts with the command line's rules, each with its own counters.
    const other = { Authorization: 'Bearer t', 'X-Mock-Session': 'team-b' }
    expect((await fetch(repos, { headers: other })).status).toBe(503)
    const rules = await (
      await fetch(`${url}/__mock/faults`, { headers: { 'X-Mock-Session': 'team-c' } })
    ).json()
    expect(rules.rules.map((r: { fired: number }) => r.fired)).toEqual([0, 0])
    // A reset restores them.
    await fetch(`${url}/__mock/reset`, { method: 'POST', headers: { 'X-Mock-Session': 'team-b' } })
    expect((await fetch(repos, { headers: other })).status).toBe(503)
  })

  it('says clearly when the port is taken', async () => {
    const blocker = createServer()
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', () => r()))
    const port = (blocker.address() as { port: number }).port
    try {
      const server = start(['--port', String(port)])
      const [code] = await once(server.child, 'exit')
      expect(code).toBe(2)
      expect(server.output().stderr).toMatch(
        new RegExp(`port ${port} on 127.0.0.1 is already in use`),
      )
    } finally {
      blocker.close()
    }
  })

  it.each([
    [['--scenario', 'nope'], /unknown scenario "nope"/],
    [['--seed', 'abc'], /--seed must be a whole number/],
    [['--fault', 'snowflake.nothing:503'], /matches no operation/],
    [['--fault', 'snowflake.*:banana'], /neither a status code nor reset\/timeout/],
    [['--fault', 'snowflake.*:200'], /must be an error status \(400-599\) or a redirect/],
    [['--bogus'], /Unknown option '--bogus'/],
    [['--port', '1e3'], /--port must be a whole number; got "1e3"/],
    [['--max-sessions', '0'], /--max-sessions must be at least 1/],
    [['--host', ''], /--host must name an address/],
    // A bad rule names the flag that gave it, not its place among the scenario's rules.
    [
      ['--fault', 'snowflake.*:503', '--fault', 'snowflake.*:503:times=0'],
      /: --fault "snowflake\.\*:503:times=0": times: Too small/,
    ],
  ])('exits 2 with a message for bad flags %j', async (args, message) => {
    const server = start(args)
    const [code] = await once(server.child, 'exit')
    expect(code).toBe(2)
    expect(server.output().stderr).toMatch(message)
  })

  it('names the --faults file and index of a bad rule, and says where a session export goes', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'irm-cli-'))
    try {
      const rules = path.join(dir, 'rules.json')
      writeFileSync(
        rules,
        JSON.stringify([{ effect: { status: 503 } }, { effect: { status: 503 }, times: 0 }]),
      )
      const bad = start(['--faults', rules])
      expect((await once(bad.child, 'exit'))[0]).toBe(2)
      expect(bad.output().stderr).toContain(`--faults ${rules}: rules[1]: times: Too small`)

      // Read as scenario and state files are: a byte-order mark is no part of the JSON (the
      // error is about the bad token, not the mark), and the error names the flag and the file.
      const broken = path.join(dir, 'broken.json')
      writeFileSync(broken, '\uFEFF[\n  {"effect": {"status": 503}},\n  oops\n]')
      const unparsable = start(['--faults', broken])
      expect((await once(unparsable.child, 'exit'))[0]).toBe(2)
      expect(unparsable.output().stderr).toContain(`--faults ${broken}: `)
      expect(unparsable.output().stderr).toMatch(
        /broken\.json: (line \d+, column \d+: )?not valid JSON: Unexpected token 'o'/,
      )

      // More rules than one call takes arguments: refused by the rule limit, not a stack overflow.
      const many = path.join(dir, 'many.json')
      const rule = { match: { operation: 'snowflake.listDatabases' }, effect: { status: 503 } }
      writeFileSync(many, JSON.stringify(Array.from({ length: 130_000 }, () => rule)))
      const tooMany = start(['--faults', many])
      expect((await once(tooMany.child, 'exit'))[0]).toBe(2)
      expect(tooMany.output().stderr).toMatch(/at most 1000 fault rules; this list has 130000/)

      // What GET /__mock/state answers is one session's state, not a --state file.
      const exported = path.join(dir, 'export.json')
      writeFileSync(
        exported,
        JSON.stringify({ version: 1, scenario: 'default', seed: 1, stores: {} }),
      )
      const mixedUp = start(['--state', exported])
      expect((await once(mixedUp.child, 'exit'))[0]).toBe(2)
      expect(mixedUp.output().stderr).toMatch(
        /one session's state, as GET \/__mock\/state exports it; start a server from it with --scenario/,
      )
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it('prints help', async () => {
    const server = start(['--help'])
    const [code] = await once(server.child, 'exit')
    expect(code).toBe(0)
    expect(server.output().stdout).toMatch(/Usage: image-registry-mock \[options\]/)
  })

  it('runs the session clock on wall time with --clock real, and refuses another mode', async () => {
    const server = start(['--port', '0', '--clock', 'real'])
    const url = await server.url()
    const health = await (await fetch(`${url}/__mock/health`)).json()
    expect(health.clock.mode).toBe('real')
    const before = health.clock.nowMs
    await sleep(300)
    for (let i = 0; i < 3; i++) await fetch(`${url}/__mock/health`)
    const after = (await (await fetch(`${url}/__mock/clock`)).json()).nowMs
    // Wall time moved it by about 300 ms; the step clock would not have moved (health is no API request).
    expect(after - before).toBeGreaterThanOrEqual(290)
    expect(after - before).toBeLessThan(5_000)
    const bad = start(['--port', '0', '--clock', 'sometimes'])
    const [code] = await once(bad.child, 'exit')
    expect(code).toBe(2)
    expect(bad.output().stderr).toMatch(/--clock must be step or real; got "sometimes"/)
  })
})
