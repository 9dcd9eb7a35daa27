import { type ChildProcess, spawn } from 'node:child_process'
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises'
import { connect } from 'node:net'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { fileURLToPath } from 'node:url'
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { linkedPackage } from '../support/linked-package.ts'

// The launchers a user starts the server with, each a tree of processes (npm, the `sh` npm runs
// scripts and bins through, node): a SIGTERM to the top one must end them all and free the port.
// The package is laid out in a temporary folder as it is installed (package.json, scripts/, bin/,
// dist/), so nothing here touches the checkout's dist/. Process trees are read from /proc.
vi.setConfig({ testTimeout: 90_000 })
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
let dir: string
let pkg: string
let consumer: string
const started = new Set<ChildProcess>()
/** Every process of the trees seen, killed after each test: a failing test leaves no orphan. */
const seen = new Set<number>()

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'irm-launchers-'))
  ;({ pkg, project: consumer } = await linkedPackage(
    dir,
    ['package.json', 'scripts/start.mjs', 'bin/image-registry-mock.js'],
    'consumer',
  ))
})
afterEach(() => {
  for (const child of started) child.kill('SIGKILL')
  started.clear()
  for (const pid of seen) {
    try {
      process.kill(pid, 'SIGKILL')
    } catch {
      // Already gone.
    }
  }
  seen.clear()
})
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true })
})

/** This process's environment as a user's shell has it: without what npm set for this test run. */
function shellEnvironment(): NodeJS.ProcessEnv {
  return Object.fromEntries(
    Object.entries(process.env).filter(([key]) => !/^npm_/i.test(key) && key !== 'INIT_CWD'),
  )
}

/** Every live process: its parent, state (`Z` for a zombie) and command line. */
async function processes(): Promise<Map<number, { ppid: number; state: string; cmd: string }>> {
  const table = new Map<number, { ppid: number; state: string; cmd: string }>()
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    try {
      const stat = await readFile(`/proc/${entry}/stat`, 'utf8')
      // pid (comm) state ppid …; comm may hold spaces and parentheses.
      const [state, ppid] = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
      const cmd = (await readFile(`/proc/${entry}/cmdline`, 'utf8')).replaceAll('\0', ' ')
      table.set(Number(entry), { ppid: Number(ppid), state: state as string, cmd })
    } catch {
      // Ended while being read.
    }
  }
  return table
}

/** The process and all its descendants, with their command lines. */
async function tree(root: number): Promise<Map<number, string>> {
  const table = await processes()
  const found = new Map<number, string>()
  const pending = [root]
  while (pending.length > 0) {
    const pid = pending.pop() as number
    found.set(pid, table.get(pid)?.cmd ?? '')
    for (const [child, info] of table) if (info.ppid === pid) pending.push(child)
  }
  return found
}

/** The pids among `pids` still running (a zombie has ended: only its exit status is left). */
async function alive(pids: Iterable<number>): Promise<number[]> {
  const table = await processes()
  return [...pids].filter((pid) => {
    const info = table.get(pid)
    return info !== undefined && info.state !== 'Z'
  })
}

/** Whether something accepts connections on the port. */
function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1')
    socket.once('connect', () => {
      socket.destroy()
      resolve(true)
    })
    socket.once('error', () => resolve(false))
  })
}

/**
 * Runs a launcher to the "listening on" line, checks the server answers, sends `signal` (SIGKILL:
 * the launcher dies without a word) to the launcher's own process only, and returns what became of
 * the tree.
 */
async function terminate(
  command: string,
  args: string[],
  cwd: string,
  signal: NodeJS.Signals = 'SIGTERM',
) {
  const child = spawn(command, args, {
    cwd,
    env: shellEnvironment(),
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  started.add(child)
  let output = ''
  child.stdout?.on('data', (d) => {
    output += d
  })
  child.stderr?.on('data', (d) => {
    output += d
  })
  let url: string | undefined
  for (let i = 0; i < 1200 && !url; i++) {
    url = /listening on (http:\/\/\S+)/.exec(output)?.[1]
    if (!url && child.exitCode !== null) throw new Error(`exited early: ${output}`)
    if (!url) await sleep(50)
  }
  if (!url) throw new Error(`no URL printed: ${output}`)
  const port = Number(new URL(url).port)
  expect(await (await fetch(`${url}/__mock/health`)).json()).toMatchObject({ status: 'ok' })
  const processTree = await tree(child.pid as number)
  for (const pid of processTree.keys()) seen.add(pid)
  child.kill(signal)
  const deadline = Date.now() + 5_000
  let left = await alive(processTree.keys())
  while (left.length > 0 && Date.now() < deadline) {
    await sleep(100)
    left = await alive(processTree.keys())
  }
  return {
    commands: [...processTree.values()],
    left: left.map((pid) => `${pid}: ${processTree.get(pid)}`),
    portInUse: await listening(port),
    output,
  }
}

describe.skipIf(process.platform !== 'linux')('a SIGTERM to the launcher', () => {
  it('`npm start` ends the server, which frees its port', async () => {
    const result = await terminate('npm', ['start', '--', '--port', '0'], pkg)
    expect(result.commands.some((c) => c.includes('scripts/start.mjs'))).toBe(true)
    expect(result.left, result.output).toEqual([])
    expect(result.portInUse).toBe(false)
    expect(result.output).toContain('shutting down')
  })

  it('`npm run dev` ends `tsx watch` and the server it runs, which frees its port', async () => {
    const result = await terminate('npm', ['run', 'dev', '--', '--port', '0'], ROOT)
    expect(result.commands.some((c) => c.includes('scripts/dev.mjs'))).toBe(true)
    expect(result.commands.some((c) => /tsx.* watch server\.ts/.test(c))).toBe(true)
    expect(result.left, result.output).toEqual([])
    expect(result.portInUse).toBe(false)
    expect(result.output).toContain('shutting down')
  })

  it('`npm run dev` ends when npm itself is killed (SIGKILL: no signal to pass on)', async () => {
    const result = await terminate('npm', ['run', 'dev', '--', '--port', '0'], ROOT, 'SIGKILL')
    expect(result.commands.length).toBeGreaterThanOrEqual(4)
    expect(result.left, result.output).toEqual([])
    expect(result.portInUse).toBe(false)
  })

  it("`npx image-registry-mock` of a linked package ends the server (under npm's `sh -c` too)", async () => {
    const result = await terminate('npx', ['image-registry-mock', '--port', '0'], consumer)
    // npm runs the bin through a shell, which does not pass SIGTERM on: the server notices.
    expect(result.commands.some((c) => c.includes('bin/image-registry-mock'))).toBe(true)
    expect(result.commands.length).toBeGreaterThanOrEqual(3)
    expect(result.left, result.output).toEqual([])
    expect(result.portInUse).toBe(false)
    expect(result.output).toMatch(/launcher \(pid \d+\) ended, shutting down/)
  })
})
