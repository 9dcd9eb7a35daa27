/**
 * `npm run bench`: standalone throughput and p99 (autocannon, 10 connections) of the full mock
 * against baselines sending the same bytes, and the in-process cost per intercepted fetch against a
 * bare msw handler. Every figure is a median of several rounds, reported as a ratio to a baseline
 * measured in the same run. Results go to bench/results.md.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import autocannon from 'autocannon'
import { HttpResponse, http } from 'msw'
import { setupServer } from 'msw/node'
import { FIXTURES, prepareMock } from './fixtures.ts'

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3)
const SECONDS = Number(process.env.BENCH_SECONDS ?? 4)
const HERE = import.meta.dirname

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  return sorted.length % 2
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2
}

async function startTarget(
  kind: string,
  fixture: string,
): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', path.join(HERE, 'target-server.ts'), kind, fixture],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  )
  const port = await new Promise<number>((resolve, reject) => {
    let out = ''
    child.stdout?.on('data', (d) => {
      out += d
      const match = /READY (\d+)/.exec(out)
      if (match) resolve(Number(match[1]))
    })
    child.once('exit', (code) => reject(new Error(`${kind} target exited with ${code}`)))
  })
  return { child, port }
}

interface LoadFigures {
  rps: number
  p99: number
}

async function load(kind: string, fixtureName: string): Promise<LoadFigures> {
  const fixture = FIXTURES[fixtureName]!
  const { child, port } = await startTarget(kind, fixtureName)
  try {
    const init = fixture.init()
    const rounds: LoadFigures[] = []
    // One warm-up round, not counted.
    for (let i = 0; i <= ROUNDS; i++) {
      const result = await autocannon({
        url: `http://127.0.0.1:${port}${fixture.path}`,
        method: fixture.method,
        headers: init.headers as Record<string, string>,
        connections: 10,
        duration: i === 0 ? 1 : SECONDS,
      })
      if (result.non2xx > 0 || result.errors > 0)
        throw new Error(`${kind} ${fixtureName}: ${result.non2xx} non-2xx, ${result.errors} errors`)
      if (i > 0) rounds.push({ rps: result.requests.average, p99: result.latency.p99 })
    }
    return { rps: median(rounds.map((r) => r.rps)), p99: median(rounds.map((r) => r.p99)) }
  } finally {
    child.kill()
  }
}

/** Microseconds per intercepted `fetch` through msw/node. */
async function inProcess(fixtureName: string): Promise<{ mock: number; bare: number }> {
  const fixture = FIXTURES[fixtureName]!
  const mock = await prepareMock(fixture)
  const url = `http://bench.local${fixture.path}`
  const server = setupServer(...mock.handlers)
  server.listen({ onUnhandledRequest: 'error' })
  const sample = await (await fetch(url, fixture.init())).arrayBuffer()
  const bareHandler = http.get(
    'http://bench.local/*',
    () => new HttpResponse(sample, { headers: { 'content-type': 'application/json' } }),
  )
  const time = async (n: number) => {
    const started = performance.now()
    for (let i = 0; i < n; i++) await (await fetch(url, fixture.init())).arrayBuffer()
    return ((performance.now() - started) * 1000) / n
  }
  const mockRounds: number[] = []
  const bareRounds: number[] = []
  for (let round = 0; round < ROUNDS + 1; round++) {
    server.resetHandlers(...mock.handlers)
    const m = await time(1500)
    server.resetHandlers(bareHandler)
    const b = await time(1500)
    if (round > 0) {
      mockRounds.push(m)
      bareRounds.push(b)
    }
  }
  server.close()
  return { mock: median(mockRounds), bare: median(bareRounds) }
}

const fmt = (n: number, digits = 0) =>
  n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits })

const lines: string[] = [
  '# Benchmark results',
  '',
  `Node ${process.version}, ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, ${new Date().toISOString().slice(0, 10)}.`,
  `Medians of ${ROUNDS} rounds (${SECONDS} s each for load, 1,500 requests each in-process), after one warm-up round.`,
  'The mock runs with auth, sessions, the journal and one inactive fault rule on.',
  '',
  '## Standalone server (autocannon, 10 connections)',
  '',
  '| workload | target | req/s | p99 ms | req/s vs bare node:http | req/s vs bare msw adapter |',
  '|---|---|---:|---:|---:|---:|',
]
for (const name of Object.keys(FIXTURES)) {
  const bareHttp = await load('bare-http', name)
  const bareMsw = await load('bare-msw', name)
  const full = await load('mock', name)
  const title = FIXTURES[name]!.title
  for (const [target, figures] of [
    ['bare node:http, same bytes', bareHttp],
    ['bare msw getResponse adapter, same bytes', bareMsw],
    ['image-registry-mock', full],
  ] as const) {
    lines.push(
      `| ${title} | ${target} | ${fmt(figures.rps)} | ${fmt(figures.p99, 1)} | ${fmt(figures.rps / bareHttp.rps, 2)} | ${fmt(figures.rps / bareMsw.rps, 2)} |`,
    )
  }
  console.log(
    `${name}: mock ${fmt(full.rps)} req/s, bare http ${fmt(bareHttp.rps)}, bare msw ${fmt(bareMsw.rps)}`,
  )
}
lines.push(
  '',
  '## In-process (msw/node, µs per intercepted fetch)',
  '',
  '| workload | image-registry-mock µs | bare msw handler µs | ratio |',
  '|---|---:|---:|---:|',
)
for (const name of Object.keys(FIXTURES)) {
  const { mock, bare } = await inProcess(name)
  lines.push(
    `| ${FIXTURES[name]!.title} | ${fmt(mock, 1)} | ${fmt(bare, 1)} | ${fmt(mock / bare, 2)} |`,
  )
  console.log(`${name} in-process: ${fmt(mock, 1)} µs vs ${fmt(bare, 1)} µs`)
}
writeFileSync(path.join(HERE, 'results.md'), `${lines.join('\n')}\n`)
console.log(`wrote ${path.join(HERE, 'results.md')}`)
