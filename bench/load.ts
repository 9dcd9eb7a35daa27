import { type ChildProcess, execFileSync, spawn } from 'node:child_process'
import { createServer } from 'node:net'
import os from 'node:os'
import path from 'node:path'
import autocannon from 'autocannon'
import { cpuMs, median } from './stats.ts'

const HERE = import.meta.dirname

/** A benchmark target process and its port. */
export interface Target {
  child: ChildProcess
  port: number
  /** What the process printed after the port (the bench target's request path). */
  detail?: string
}

/**
 * The CPUs of a load measurement, when this machine can keep them apart: the servers measured on
 * the last CPU, the load generator (this process) on the first. Left to the scheduler, a server
 * and autocannon trade CPUs and each run of the same comparison differs by a third on 2 cores;
 * pinned, a saturated server answers as fast as its own CPU cost per request allows, and every
 * server measured gets the same CPU. Linux with `taskset` and 2+ CPUs; `BENCH_PIN=0` turns it off.
 */
export const PINNING: { server: string; load: string } | undefined = (() => {
  const cpus = os.cpus().length
  if (process.platform !== 'linux' || cpus < 2 || process.env.BENCH_PIN === '0') return undefined
  try {
    execFileSync('taskset', ['-p', String(process.pid)], { stdio: 'ignore' })
  } catch {
    return undefined
  }
  return { server: String(cpus - 1), load: '0' }
})()

/** Runs `fn` with this process (the load generator) on its CPU, then gives it every CPU back. */
async function onLoadCpu<T>(fn: () => Promise<T>): Promise<T> {
  if (!PINNING) return fn()
  const pin = (cpus: string) =>
    execFileSync('taskset', ['-a', '-p', '-c', cpus, String(process.pid)], { stdio: 'ignore' })
  pin(PINNING.load)
  try {
    return await fn()
  } finally {
    pin(`0-${os.cpus().length - 1}`)
  }
}

/** Starts `bench/target-server.ts <kind> <fixture>` (on the server CPU) and waits for its port. */
export async function startTarget(kind: string, fixture: string): Promise<Target> {
  return startProcess(
    process.execPath,
    ['--import', 'tsx', path.join(HERE, 'target-server.ts'), kind, fixture],
    /READY (\d+) (\S+)\n/,
    { pinned: true },
  )
}

/**
 * Starts the bundled server as users run it (`node dist/cli.mjs`, with the launcher's heap sizing
 * and code cache) on the server CPU, serving `scenarioFile` (a state document, as
 * `GET /__mock/state` writes it), and waits for its port.
 */
export function startCliTarget(scenarioFile: string): Promise<Target> {
  return startProcess(
    process.execPath,
    [path.join(HERE, '..', 'dist', 'cli.mjs'), '--port', '0', '--scenario', scenarioFile],
    /listening on http:\/\/127\.0\.0\.1:(\d+)/,
    { pinned: true },
  )
}

/** Spawns a server (on the server CPU if `pinned`) and resolves once its output names the port. */
export function startProcess(
  command: string,
  args: string[],
  ready: RegExp,
  { cwd, pinned = false }: { cwd?: string; pinned?: boolean } = {},
): Promise<Target> {
  const [file, argv] =
    pinned && PINNING ? ['taskset', ['-c', PINNING.server, command, ...args]] : [command, args]
  const child = spawn(file, argv, { stdio: ['ignore', 'pipe', 'pipe'], cwd })
  return new Promise((resolve, reject) => {
    let out = ''
    const onData = (d: Buffer) => {
      out += d
      const match = ready.exec(out)
      if (match) resolve({ child, port: Number(match[1]), detail: match[2] })
    }
    child.stdout?.on('data', onData)
    child.stderr?.on('data', onData)
    child.once('exit', (code) =>
      reject(new Error(`${command} ${args.join(' ')} exited with ${code}: ${out.slice(-2000)}`)),
    )
  })
}

/** A free TCP port on the loopback interface. */
export async function freePort(): Promise<number> {
  const probe = createServer()
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', () => resolve()))
  const { port } = probe.address() as { port: number }
  await new Promise((resolve) => probe.close(resolve))
  return port
}

/**
 * Spawns a server that will listen on `port` (on the server CPU if `pinned`), discarding its
 * output but the last of its errors, and resolves once it answers any HTTP request.
 */
export async function startListening(
  command: string,
  args: string[],
  port: number,
  {
    pinned = true,
    cwd,
    timeoutMs = 120_000,
  }: { pinned?: boolean; cwd?: string; timeoutMs?: number } = {},
): Promise<Target> {
  const [file, argv] =
    pinned && PINNING ? ['taskset', ['-c', PINNING.server, command, ...args]] : [command, args]
  const child: ChildProcess = spawn(file, argv, { stdio: ['ignore', 'ignore', 'pipe'], cwd })
  let errors = ''
  child.stderr?.on('data', (d: Buffer) => {
    errors = (errors + d).slice(-2000)
  })
  const started = Date.now()
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null)
      throw new Error(`${command} exited with ${child.exitCode ?? child.signalCode}: ${errors}`)
    try {
      const response = await fetch(`http://127.0.0.1:${port}/`)
      await response.arrayBuffer()
      return { child, port }
    } catch {}
    if (Date.now() - started > timeoutMs) {
      child.kill()
      throw new Error(`${command} did not answer on port ${port} within ${timeoutMs} ms: ${errors}`)
    }
    await new Promise((r) => setTimeout(r, 50))
  }
}

/** Median requests per second and p99 latency over some rounds. */
export interface LoadFigures {
  rps: number
  p99: number
  /** The server's CPU time per answered request, µs (measureInterleaved only, from /proc). */
  cpuUs?: number
  /** Requests answered (one round). */
  requests?: number
}

/** What to send. */
export interface LoadRequest {
  path: string
  method: string
  headers: Record<string, string>
  body?: string
  /**
   * Spread the requests over this many sessions: `X-Mock-Session: load-0` … `load-(n-1)`, one
   * after another (the sharding workload).
   */
  sessions?: number
}

/** One autocannon run (10 connections); throws on any non-2xx answer or error. */
async function loadOnce(port: number, request: LoadRequest, seconds: number): Promise<LoadFigures> {
  let sent = 0
  const sessions = request.sessions
  const result = await autocannon({
    url: `http://127.0.0.1:${port}${request.path}`,
    method: request.method as 'GET',
    headers: request.headers,
    body: request.body,
    connections: 10,
    duration: seconds,
    ...(sessions
      ? {
          requests: [
            {
              setupRequest: (req: autocannon.Request) => ({
                ...req,
                headers: { ...req.headers, 'X-Mock-Session': `load-${sent++ % sessions}` },
              }),
            },
          ],
        }
      : {}),
  })
  if (result.non2xx > 0 || result.errors > 0) {
    throw new Error(
      `${request.method} ${request.path}: ${result.non2xx} non-2xx answers, ${result.errors} errors`,
    )
  }
  return { rps: result.requests.average, p99: result.latency.p99, requests: result.requests.total }
}

function medianFigures(figures: LoadFigures[]): LoadFigures {
  const cpu = figures.flatMap((f) => (f.cpuUs === undefined ? [] : [f.cpuUs]))
  return {
    rps: median(figures.map((f) => f.rps)),
    p99: median(figures.map((f) => f.p99)),
    ...(cpu.length > 0 ? { cpuUs: median(cpu) } : {}),
  }
}

/** Loads a target for `seconds`, uncounted (a JIT's warm-up), from the load generator's CPU. */
export async function warmUp(port: number, request: LoadRequest, seconds: number): Promise<void> {
  await onLoadCpu(() => loadOnce(port, request, seconds))
}

/** Runs autocannon (10 connections) against a port: one uncounted warm-up, then `rounds` rounds. */
export async function measureLoad(
  port: number,
  request: LoadRequest,
  rounds: number,
  seconds: number,
): Promise<LoadFigures> {
  const figures: LoadFigures[] = []
  for (let i = 0; i <= rounds; i++) {
    const figure = await loadOnce(port, request, i === 0 ? 1 : seconds)
    if (i > 0) figures.push(figure)
  }
  return medianFigures(figures)
}

/**
 * Loads started targets in turn, round by round, each on the path it printed (if any), then
 * stops them. Round 0 is an uncounted warm-up of full length (JIT, a filling journal); each round
 * starts with another target, so a drift in the machine's speed (this one's varies by half within
 * minutes) falls on every target alike instead of on whichever ran last.
 */
export async function measureInterleaved(
  targets: Record<string, Target>,
  request: LoadRequest,
  rounds: number,
  seconds: number,
  {
    stop = true,
    pinLoad = true,
  }: {
    /** Stop the targets afterwards (default); false leaves them for the caller to stop. */
    stop?: boolean
    /** Keep the load generator on its CPU (default); false leaves it to the scheduler. */
    pinLoad?: boolean
  } = {},
): Promise<Record<string, LoadFigures>> {
  const names = Object.keys(targets)
  const samples = new Map<string, LoadFigures[]>(names.map((name) => [name, []]))
  const run = () => loadRounds(targets, names, samples, request, rounds, seconds)
  try {
    await (pinLoad ? onLoadCpu(run) : run())
  } finally {
    if (stop) for (const target of Object.values(targets)) target.child.kill()
  }
  return Object.fromEntries(names.map((name) => [name, medianFigures(samples.get(name) ?? [])]))
}

async function loadRounds(
  targets: Record<string, Target>,
  names: string[],
  samples: Map<string, LoadFigures[]>,
  request: LoadRequest,
  rounds: number,
  seconds: number,
): Promise<void> {
  for (let round = 0; round <= rounds; round++) {
    for (let i = 0; i < names.length; i++) {
      const name = names[(i + round) % names.length] as string
      const target = targets[name] as Target
      const pid = target.child.pid as number
      const cpuBefore = await cpuMs(pid)
      const figure = await loadOnce(
        target.port,
        { ...request, path: target.detail ?? request.path },
        seconds,
      )
      const cpuUs = ((await cpuMs(pid)) - cpuBefore) * 1000
      if (round > 0) samples.get(name)?.push({ ...figure, cpuUs: cpuUs / (figure.requests ?? 1) })
    }
  }
}
