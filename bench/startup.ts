/**
 * Start-up to first answer and resident memory of the bundled standalone server (`dist/cli.mjs`,
 * what `npx image-registry-mock` runs), beside a bare node:http server started the same way.
 */
import { spawn } from 'node:child_process'
import { mkdtempSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { CYCLE_HUBS } from '../fixtures/cycle.ts'
import { measureLoad } from './load.ts'
import { median, rssMb } from './stats.ts'

const ROOT = path.resolve(import.meta.dirname, '..')

async function timeToFirstAnswer(
  command: string,
  args: string[],
  port: number,
): Promise<{ ms: number; pid: number; stop(): void }> {
  const started = performance.now()
  const child = spawn(command, args, { stdio: 'ignore', cwd: ROOT })
  for (;;) {
    try {
      const response = await fetch(`http://127.0.0.1:${port}/__mock/health`)
      await response.arrayBuffer()
      return { ms: performance.now() - started, pid: child.pid as number, stop: () => child.kill() }
    } catch {
      if (child.exitCode !== null)
        throw new Error(`${command} ${args.join(' ')} exited with ${child.exitCode}`)
      await new Promise((r) => setTimeout(r, 2))
    }
  }
}

/**
 * Start-up figures: medians of `rounds` starts of the mock and of a bare node:http server, after
 * one warm-up start of each (the OS file cache, and the mock's code cache).
 */
export async function measureStartup(rounds: number, basePort: number) {
  const bareScript = path.join(mkdtempSync(path.join(os.tmpdir(), 'irm-bare-')), 'bare.mjs')
  writeFileSync(
    bareScript,
    `import { createServer } from 'node:http'\ncreateServer((q, s) => s.end('{"status":"ok"}')).listen(Number(process.argv[2]), '127.0.0.1')\n`,
  )
  const mockMs: number[] = []
  const bareMs: number[] = []
  let coldMs = 0
  // Round 0 warms up: the first start after a build writes the code cache (scripts/cli-loader.mjs).
  for (let i = 0; i <= rounds; i++) {
    const port = basePort + i
    const mock = await timeToFirstAnswer(
      process.execPath,
      ['dist/cli.mjs', '--port', String(port)],
      port,
    )
    if (i > 0) mockMs.push(mock.ms)
    else coldMs = mock.ms
    // Not killed before it has saved the code cache, which it does once started.
    if (i === 0) await new Promise((r) => setTimeout(r, 1000))
    mock.stop()
    const bare = await timeToFirstAnswer(
      process.execPath,
      [bareScript, String(port + 100)],
      port + 100,
    )
    if (i > 0) bareMs.push(bare.ms)
    bare.stop()
    await new Promise((r) => setTimeout(r, 200))
  }
  return { mockMs: median(mockMs), bareMs: median(bareMs), coldMs }
}

/**
 * RSS of the bundled server idle, after two 5 s rounds of 10 connections on a Snowflake list, and
 * after a forced full GC (SIGUSR2 to a preload that calls `gc()`). `launcher: false` runs the
 * bundle (`dist/cli.cjs`) without its launcher, so with V8's default heap sizing: the launcher's
 * effect is the difference.
 */
export async function measureLoadedRss(port: number, { launcher = true } = {}) {
  let entry = 'dist/cli.mjs'
  if (!launcher) {
    entry = path.join(mkdtempSync(path.join(os.tmpdir(), 'irm-bundle-')), 'bundle.cjs')
    writeFileSync(entry, `require(${JSON.stringify(path.join(ROOT, 'dist', 'cli.cjs'))}).main()\n`)
  }
  const server = await timeToFirstAnswer(
    process.execPath,
    [
      '--expose-gc',
      '--import',
      path.join(import.meta.dirname, 'gc-on-signal.mjs'),
      entry,
      '--port',
      String(port),
    ],
    port,
  )
  const settle = () => new Promise((r) => setTimeout(r, 1000))
  try {
    await settle()
    const idle = await rssMb(server.pid)
    await measureLoad(
      port,
      {
        method: 'GET',
        path: '/api/v2/databases/ml_platform/schemas/images/image-repositories',
        headers: { Authorization: 'Bearer x' },
      },
      2,
      5,
    )
    const loaded = await rssMb(server.pid)
    process.kill(server.pid, 'SIGUSR2')
    await settle()
    return { idle, loaded, afterGc: await rssMb(server.pid) }
  } finally {
    server.stop()
  }
}

/**
 * Sessions on a big scenario, on the bundled server: start-up with `--scenario large`, the first
 * request under a new `X-Mock-Session`, and RSS with one session and with four (each having
 * answered a list on every vendor, so the caches reads build are counted too).
 */
export async function measureLargeSessions(port: number) {
  const server = await timeToFirstAnswer(
    process.execPath,
    ['dist/cli.mjs', '--port', String(port), '--scenario', 'large'],
    port,
  )
  const lists = [
    [
      '/api/v2/databases/ml_platform/schemas/images/image-repositories',
      { Authorization: 'Bearer x' },
    ],
    ['/v1/images?pagination.limit=50', { Authorization: 'Bearer x' }],
    [
      '/v2/manage/shared-repositories?center=self&limit=20&offset=40&order_column=name&order_type=asc',
      { 'X-Auth-Token': 'x', 'Content-Type': 'application/json' },
    ],
    [
      '/v1/images/sources?sort=-name&page[number]=3&page[size]=20',
      { Authorization: 'Bearer x', 'X-Hub-Id': CYCLE_HUBS.main.id },
    ],
  ] as const
  const visit = async (session: string) => {
    for (const [path, headers] of lists) {
      const response = await fetch(`http://127.0.0.1:${port}${path}`, {
        headers: { ...headers, 'X-Mock-Session': session },
      })
      await response.arrayBuffer()
      if (response.status !== 200) throw new Error(`${path} answered ${response.status}`)
    }
  }
  try {
    await visit('default')
    const settle = () => new Promise((r) => setTimeout(r, 1000))
    await settle()
    const oneRss = await rssMb(server.pid)
    const started = performance.now()
    const first = await fetch(`http://127.0.0.1:${port}${lists[0][0]}`, {
      headers: { ...lists[0][1], 'X-Mock-Session': 'second' },
    })
    await first.arrayBuffer()
    const newSessionMs = performance.now() - started
    for (const session of ['second', 'third', 'fourth']) await visit(session)
    await settle()
    const fourRss = await rssMb(server.pid)
    return { startMs: server.ms, newSessionMs, oneRss, fourRss }
  } finally {
    server.stop()
  }
}
