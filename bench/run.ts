/**
 * `npm run bench`: every figure is a median of several rounds and a ratio against a baseline
 * measured in the same run on the same machine. Writes bench/results.md.
 *
 * BENCH_ROUNDS (default 3), BENCH_SECONDS (per load round, default 4), SOAK_SECONDS (default 600;
 * 0 skips the soak), BENCH_JVM_WARMUP_SECONDS (WireMock's warm-up per request kind, default 15),
 * BENCH_ONLY (comma-separated section names: load, peers, sharding, inprocess, startup, scale,
 * soak; `--targets` picks peers, startup and sharding). Peers are installed on demand outside the
 * checkout (bench/peers.ts).
 */
import { execFileSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import v8 from 'node:v8'
import vm from 'node:vm'
import { getResponse, HttpResponse, http } from 'msw'
import { setupServer } from 'msw/node'
import { FIXTURES, fixtureRequest, prepareMock } from './fixtures.ts'
import {
  freePort,
  type LoadRequest,
  measureInterleaved,
  PINNING,
  startCliTarget,
  startListening,
  startTarget,
  type Target,
  warmUp,
} from './load.ts'
import { javaVersion, PEER_NAMES, type PeerRoute, startPeers } from './peers.ts'
import { measureLargeSeeding, measureScale } from './scale.ts'
import { findNginx, startNginx } from './sharding.ts'
import { soak } from './soak.ts'
import { measureLargeSessions, measureLoadedRss, measureStartup } from './startup.ts'
import { fmt, median } from './stats.ts'

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3)
const SECONDS = Number(process.env.BENCH_SECONDS ?? 4)
const SOAK_SECONDS = Number(process.env.SOAK_SECONDS ?? 600)
const JVM_WARMUP_SECONDS = Number(process.env.BENCH_JVM_WARMUP_SECONDS ?? 15)
/**
 * `npm run bench -- --targets`: the sections measured against targets (other mock servers, start-up
 * and memory, sharding behind nginx), as BENCH_ONLY=peers,startup,sharding would pick them.
 */
const TARGET_SECTIONS = ['peers', 'startup', 'sharding']
const ONLY = process.argv.includes('--targets')
  ? TARGET_SECTIONS
  : process.env.BENCH_ONLY?.split(',')
const ROOT = path.resolve(import.meta.dirname, '..')
const RESULTS = path.join(ROOT, 'bench', 'results.md')
/** In-process rounds are short; more of them give a steadier median. */
const IN_PROCESS_ROUNDS = Math.max(ROUNDS, 7)
const IN_PROCESS_REQUESTS = 1000
/** A full collection (V8's `gc`, exposed at run time: the bench runs under plain tsx). */
const collectGarbage: () => void = (() => {
  v8.setFlagsFromString('--expose-gc')
  return vm.runInNewContext('gc') as () => void
})()
/** The sharding workload: the `default` scenario's Snowflake list, spread over 16 sessions. */
const SHARDED_LIST: LoadRequest & { sessions: number } = {
  method: 'GET',
  path: '/api/v2/databases/ml_platform/schemas/images/image-repositories',
  headers: { Authorization: 'Bearer bench-token' },
  sessions: 16,
}
const wanted = (section: string) => !ONLY || ONLY.includes(section)
/**
 * The least ratio of the mock's req/s to each server's in the peers section, by key: the mock
 * must do a multiple of each peer and a fraction of a bare server sending the same bytes.
 */
const PEER_TARGETS: Record<string, number> = {
  'bare-http': 0.3,
  wiremock: 2,
  prism: 2,
  mockoon: 3,
}
/** Start-up to first answer, as a multiple of a bare `node:http` server started the same way. */
const STARTUP_TARGET = 2

const out: string[] = [
  '# Benchmark results',
  '',
  `Node ${process.version}, ${os.cpus().length} × ${os.cpus()[0]?.model.trim() ?? 'cpu'}, ${fmt(os.totalmem() / 2 ** 30)} GiB, ${new Date().toISOString().slice(0, 10)}.`,
  `Medians of ${ROUNDS} rounds after one warm-up round; load rounds last ${SECONDS} s with autocannon at 10 connections, the servers compared taking turns round by round${PINNING ? `, each server on CPU ${PINNING.server} and autocannon on CPU ${PINNING.load} (taskset)` : ''}.`,
  'The mock runs with auth, sessions, the journal and one inactive fault rule on. Regenerate with `npm run bench`.',
]
const log = (line: string) => console.log(line)

/** Sections earlier versions wrote, dropped from a kept results.md: another section replaced them. */
const RETIRED = ['## Against Stoplight Prism']

/**
 * With BENCH_ONLY, keeps the sections of the previous results.md that this run did not measure,
 * so one section can be re-measured without the ten-minute soak. Sections are `## ` headings,
 * matched by their text before any parenthesis.
 */
function mergeSections(fresh: string): string {
  if (!ONLY || !existsSync(RESULTS)) return fresh
  const split = (text: string) => text.split(/\n(?=## )/)
  const title = (section: string) => section.split('\n', 1)[0]!.split(' (')[0]!
  const [freshHeader, ...freshSections] = split(fresh)
  const [, ...oldSections] = split(readFileSync(RESULTS, 'utf8').trimEnd())
  const byTitle = new Map(freshSections.map((s) => [title(s), s]))
  const merged = oldSections
    .filter((s) => !RETIRED.some((retired) => title(s).startsWith(retired)))
    .map((s) => byTitle.get(title(s)) ?? s)
  for (const s of freshSections) if (!oldSections.some((o) => title(o) === title(s))) merged.push(s)
  return [freshHeader ?? '', ...merged].map((section) => section.trimEnd()).join('\n\n')
}

execFileSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'ignore' })

if (wanted('load')) {
  out.push(
    '',
    '## Standalone server: throughput and p99',
    '',
    "Baselines in the same run: (a) bare `node:http` answering the same bytes; (b) the same Express adapter with one plain msw handler running the same model logic (no sessions, auth, faults or journal), reading what it uses from the request (path parameter, query, body) unvalidated; (d) plain `node:http` running the same model logic and serializer, with no msw, Express or Fetch objects (the limit; for the Snowflake reads). Targets: mock / (b) ≥ 1.0 for every workload; mock / (d) ≥ 0.5 in the long run. The last column is each server's own CPU time per answered request (from /proc): another view of the pipeline's cost. The mock's one msw handler runs only what the mock needs of msw's per-handler work (no request clone, no cookie parsing, no abort controller per request), which is why it can do more than the bare handler in less time.",
    '',
    '| workload | bare node:http req/s | bare msw + model req/s | node:http + model req/s | mock req/s | mock p99 ms | mock / (a) | mock / (b) | mock / (d) | CPU µs per request: mock / (b) |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  )
  for (const [name, fixture] of Object.entries(FIXTURES)) {
    const kinds = ['bare-http', 'bare-msw', ...(fixture.plain ? ['http-model'] : []), 'mock']
    const targets: Record<string, Target> = {}
    for (const kind of kinds) targets[kind] = await startTarget(kind, name)
    const figures = await measureInterleaved(targets, fixture, ROUNDS, SECONDS)
    const [a, b, d, m] = [
      figures['bare-http']!,
      figures['bare-msw']!,
      figures['http-model'],
      figures.mock!,
    ]
    out.push(
      `| ${fixture.title} | ${fmt(a.rps)} | ${fmt(b.rps)} | ${d ? fmt(d.rps) : '–'} | ${fmt(m.rps)} | ${fmt(m.p99, 1)} | ${fmt(m.rps / a.rps, 2)} | ${fmt(m.rps / b.rps, 2)} | ${d ? fmt(m.rps / d.rps, 2) : '–'} | ${fmt(m.cpuUs ?? Number.NaN)} / ${fmt(b.cpuUs ?? Number.NaN)} = ${fmt((m.cpuUs ?? Number.NaN) / (b.cpuUs ?? Number.NaN), 2)} |`,
    )
    log(
      `load ${name}: mock ${fmt(m.rps)} req/s, (a) ${fmt(a.rps)}, (b) ${fmt(b.rps)}${d ? `, (d) ${fmt(d.rps)}` : ''}; CPU µs/req mock ${fmt(m.cpuUs ?? Number.NaN)}, (b) ${fmt(b.cpuUs ?? Number.NaN)}`,
    )
  }
}

if (wanted('peers')) {
  // The list of 50 (the peers' classic comparison), a fetch and a create: what every peer can
  // express as static answers.
  const workloads = ['snowflake-list-50', 'snowflake-fetch', 'snowflake-create']
  const routes: PeerRoute[] = []
  for (const name of workloads) {
    const fixture = FIXTURES[name]!
    const mock = await prepareMock(fixture)
    const answer = (await getResponse(mock.handlers, fixtureRequest(fixture, mock)))!
    const pathOnly = fixture.path.split('?')[0]!
    routes.push({
      method: fixture.method as 'GET' | 'POST',
      path: fixture.path,
      template: name === 'snowflake-fetch' ? pathOnly.replace(/\/[^/]+$/, '/{name}') : pathOnly,
      headers: fixture.headers,
      requestBody: fixture.body,
      status: answer.status,
      contentType: answer.headers.get('content-type') ?? 'application/json',
      body: Buffer.from(await answer.arrayBuffer()),
    })
  }
  const dir = mkdtempSync(path.join(os.tmpdir(), 'irm-peers-'))
  const { started, skipped } = await startPeers(routes, dir)
  out.push(
    '',
    '## Against other mock servers',
    '',
    `The same requests, with a bearer token, in the same rounds as the mock and a bare \`node:http\` server sending the same bytes (the limit). The peers serve the mock's answers as static bytes, their best case; the mock (the bundled server as users run it, \`node dist/cli.mjs --scenario FILE\` with the fixture's records in FILE) serves them from its model with auth, sessions, one inactive fault rule and the journal on. Each peer runs as its users run it at its best: WireMock (standalone jar, Java ${javaVersion()}) with no request journal or request logging, after ${fmt(JVM_WARMUP_SECONDS)} s of warm-up load per request kind (for its JIT); Mockoon CLI with templating off and logging to stdout only; Prism in static mode with \`-v silent\` (no per-request logging), checking each request against the official Snowflake spec as it always does. Before it is measured, each peer must answer every request with the mock's status and JSON, and a request without the token with a 4xx. "mock / peer" above 1 means the mock answers more requests per second.`,
    '',
    `Targets: the mock's req/s at least ${Object.entries(PEER_TARGETS)
      .map(
        ([key, min]) =>
          `${fmt(min, 2)}× ${key === 'bare-http' ? 'bare `node:http`' : PEER_NAMES[key]}`,
      )
      .join(
        ', ',
      )}, each in the same rounds, with a p99 at or below each peer's. "met" says whether both hold.`,
    '',
    '| workload | server | req/s | p99 ms | mock / server | target | mock p99 ≤ server p99 | met |',
    '|---|---|---:|---:|---:|---:|---|---|',
  )
  try {
    if (started.wiremock)
      for (const name of workloads)
        await warmUp(started.wiremock.port, FIXTURES[name]!, JVM_WARMUP_SECONDS)
    for (const name of workloads) {
      const fixture = FIXTURES[name]!
      // The mock as users run it: the bundled server, serving the fixture's data from a file.
      const prepared = await prepareMock(fixture)
      const scenarioFile = path.join(dir, `${name}.json`)
      writeFileSync(scenarioFile, JSON.stringify(await prepared.exportState()))
      const own = {
        mock: await startCliTarget(scenarioFile),
        'bare-http': await startTarget('bare-http', name),
      }
      const figures = await measureInterleaved({ ...own, ...started }, fixture, ROUNDS, SECONDS, {
        stop: false,
      })
      for (const target of Object.values(own)) target.child.kill()
      const m = figures.mock!
      const rows: Array<[string, string]> = [
        ['image-registry-mock', 'mock'],
        ['bare `node:http`, same bytes', 'bare-http'],
        ...Object.keys(started).map((key): [string, string] => [PEER_NAMES[key]!, key]),
      ]
      for (const [label, key] of rows) {
        const f = figures[key]!
        if (key === 'mock') {
          out.push(`| ${fixture.title} | ${label} | ${fmt(f.rps)} | ${fmt(f.p99, 1)} | | | | |`)
          continue
        }
        const target = PEER_TARGETS[key]
        const ratio = m.rps / f.rps
        // The bare server is the limit, not a peer: only its throughput ratio is a target.
        const p99Met = key === 'bare-http' ? undefined : m.p99 <= f.p99
        const met = target === undefined ? '' : ratio >= target && p99Met !== false ? 'yes' : 'no'
        out.push(
          `| | ${label} | ${fmt(f.rps)} | ${fmt(f.p99, 1)} | ${fmt(ratio, 2)} | ${target === undefined ? '' : `≥ ${fmt(target, 2)}`} | ${p99Met === undefined ? '' : p99Met ? 'yes' : 'no'} | ${met} |`,
        )
      }
      log(
        `peers ${name}: ${rows.map(([label, key]) => `${label} ${fmt(figures[key]!.rps)}`).join(', ')}`,
      )
    }
  } finally {
    for (const target of Object.values(started)) target.child.kill()
    rmSync(dir, { recursive: true, force: true })
  }
  for (const { name, reason } of skipped) out.push('', `Skipped ${name}: ${reason}`)
}

if (wanted('sharding')) {
  out.push('', '## Sharded by session behind nginx', '')
  const nginx = findNginx()
  if (!nginx) {
    out.push('Skipped: nginx is missing (scripts/install-nginx.sh installs it).')
  } else {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'irm-sharding-'))
    const processes: Target[] = []
    try {
      const instance = async (n: number) => {
        const port = await freePort()
        const target = await startListening(
          process.execPath,
          ['dist/cli.mjs', '--port', String(port), '--state', path.join(dir, `state-${n}.json`)],
          port,
          { pinned: false, cwd: ROOT },
        )
        processes.push(target)
        return target
      }
      const [first, second] = [await instance(1), await instance(2)]
      const front = async (ports: number[]) => {
        const target = await startNginx(nginx, await freePort(), ports)
        processes.push(target)
        return target
      }
      const targets = {
        direct: first!,
        one: await front([first!.port]),
        two: await front([first!.port, second!.port]),
      }
      const figures = await measureInterleaved(targets, SHARDED_LIST, ROUNDS, SECONDS, {
        pinLoad: false,
      })
      const base = figures.direct!
      out.push(
        `The README's setup (\`examples/sharding/nginx.conf\`, each instance \`node dist/cli.mjs\` with its own \`--state\`) on the Snowflake list of the \`default\` scenario, the requests spread over ${SHARDED_LIST.sessions} sessions. Nothing is pinned: on a machine with fewer cores than instances + nginx + the load generator they share the cores, and the second instance can only add what a free core allows.`,
        '',
        '| setup | req/s | p99 ms | vs one instance, direct |',
        '|---|---:|---:|---:|',
        ...(
          [
            ['one instance, direct', 'direct'],
            ['nginx → one instance', 'one'],
            ['nginx → two instances', 'two'],
          ] as const
        ).map(
          ([label, key]) =>
            `| ${label} | ${fmt(figures[key]!.rps)} | ${fmt(figures[key]!.p99, 1)} | ${fmt(figures[key]!.rps / base.rps, 2)} |`,
        ),
      )
      log(
        `sharding: direct ${fmt(base.rps)}, nginx → one ${fmt(figures.one!.rps)}, nginx → two ${fmt(figures.two!.rps)} req/s`,
      )
    } finally {
      // Each instance writes its --state file as it stops: remove the folder once all have.
      await Promise.all(
        processes.map(({ child }) =>
          child.exitCode !== null || child.signalCode !== null
            ? undefined
            : new Promise((done) => {
                child.once('exit', done)
                child.kill()
              }),
        ),
      )
      rmSync(dir, { recursive: true, force: true })
    }
  }
}

if (wanted('inprocess')) {
  out.push(
    '',
    '## In-process: µs per intercepted fetch (msw/node)',
    '',
    `Baselines in the same process and run: (c) one bare msw handler returning the same bytes (no model work at all); (b) one bare msw handler running the same model logic (no sessions, auth, faults or journal). The mock / (b) ratio is the cost of the pipeline; mock / (c) adds the model work itself. Medians of ${IN_PROCESS_ROUNDS} rounds of ${IN_PROCESS_REQUESTS} sequential fetches per variant, after a warm-up round; variants rotate, each block after a full GC.`,
    '',
    '| workload | mock µs | (b) msw + model µs | (c) msw, same bytes µs | mock / (b) | mock / (c) |',
    '|---|---:|---:|---:|---:|---:|',
  )
  for (const [name, fixture] of Object.entries(FIXTURES)) {
    const mock = await prepareMock(fixture)
    const server = setupServer(...mock.handlers)
    server.listen({ onUnhandledRequest: 'error' })
    const sample = await (await fetch(fixtureRequest(fixture, mock))).arrayBuffer()
    const sameBytes = http.all(
      'http://bench.local/*',
      () => new HttpResponse(sample, { headers: { 'content-type': 'application/json' } }),
    )
    const time = async (n: number) => {
      // Each block starts from a clean heap, so one block's garbage is not collected in another's.
      collectGarbage()
      const started = performance.now()
      for (let i = 0; i < n; i++) await (await fetch(fixtureRequest(fixture, mock))).arrayBuffer()
      return ((performance.now() - started) * 1000) / n
    }
    const rounds = { mock: [] as number[], model: [] as number[], bytes: [] as number[] }
    const blocks = [
      { handlers: mock.handlers, into: rounds.mock },
      { handlers: [fixture.bare(mock)], into: rounds.model },
      { handlers: [sameBytes], into: rounds.bytes },
    ]
    for (let round = 0; round <= IN_PROCESS_ROUNDS; round++) {
      // Rotated, so no variant always runs first (or right after the heaviest one).
      for (let k = 0; k < blocks.length; k++) {
        const block = blocks[(round + k) % blocks.length]!
        server.resetHandlers(...block.handlers)
        const micros = await time(IN_PROCESS_REQUESTS)
        if (round > 0) block.into.push(micros)
      }
    }
    server.close()
    const [m, b, c] = [median(rounds.mock), median(rounds.model), median(rounds.bytes)]
    out.push(
      `| ${fixture.title} | ${fmt(m, 1)} | ${fmt(b, 1)} | ${fmt(c, 1)} | ${fmt(m / b, 2)} | ${fmt(m / c, 2)} |`,
    )
    log(`in-process ${name}: ${fmt(m, 1)} µs, (b) ${fmt(b, 1)} µs, (c) ${fmt(c, 1)} µs`)
  }
}

if (wanted('startup')) {
  const s = await measureStartup(Math.max(ROUNDS, 3), 4700)
  const r = await measureLoadedRss(4780)
  const direct = await measureLoadedRss(4781, { launcher: false })
  out.push(
    '',
    '## Start-up and memory (bundled server, `node dist/cli.mjs`, what `npx image-registry-mock` runs)',
    '',
    '| measure | mock | baseline | ratio | target |',
    '|---|---:|---:|---:|---|',
    `| start-up to first answer | ${fmt(s.mockMs)} ms | ${fmt(s.bareMs)} ms (bare node:http started the same way) | ${fmt(s.mockMs / s.bareMs, 2)} | ≤ ${STARTUP_TARGET} |`,
    `| the first start after a build (no code cache yet; one sample) | ${fmt(s.coldMs)} ms | ${fmt(s.bareMs)} ms | ${fmt(s.coldMs / s.bareMs, 2)} | |`,
    `| RSS after load (2 × 5 s, 10 connections, Snowflake list) | ${fmt(r.loaded)} MB | ${fmt(r.idle)} MB idle | ${fmt(r.loaded / r.idle, 2)} | ≤ 130 MB |`,
    `| the same, then a forced full GC | ${fmt(r.afterGc)} MB | ${fmt(r.idle)} MB idle | ${fmt(r.afterGc / r.idle, 2)} | |`,
    `| RSS after load without the launcher's heap sizing (\`dist/cli.cjs\` run directly: V8's defaults) | ${fmt(direct.loaded)} MB | ${fmt(direct.idle)} MB idle | ${fmt(direct.loaded / direct.idle, 2)} | |`,
    `| the same, then a forced full GC | ${fmt(direct.afterGc)} MB | ${fmt(direct.idle)} MB idle | ${fmt(direct.afterGc / direct.idle, 2)} | |`,
  )
  log(
    `startup ${fmt(s.mockMs)} ms (bare ${fmt(s.bareMs)}), RSS ${fmt(r.idle)} → ${fmt(r.loaded)} → GC ${fmt(r.afterGc)} MB; without the launcher: ${fmt(direct.idle)} → ${fmt(direct.loaded)} → ${fmt(direct.afterGc)} MB`,
  )
  const l = await measureLargeSessions(4790)
  out.push(
    `| \`--scenario large\`: first request under a new \`X-Mock-Session\` | ${fmt(l.newSessionMs)} ms | ${fmt(l.startMs)} ms (its start-up) | ${fmt(l.newSessionMs / l.startMs, 3)} | ≤ 0.10 |`,
    `| \`--scenario large\`: RSS with four sessions | ${fmt(l.fourRss)} MB | ${fmt(l.oneRss)} MB (one session) | ${fmt(l.fourRss / l.oneRss, 2)} | ≤ 1.5 |`,
  )
  log(
    `large: start ${fmt(l.startMs)} ms, new session ${fmt(l.newSessionMs)} ms, RSS ${fmt(l.oneRss)} → ${fmt(l.fourRss)} MB`,
  )
}

if (wanted('scale')) {
  const seedMs = await measureLargeSeeding()
  const rows = await measureScale()
  out.push(
    '',
    '## Scale (in-process)',
    '',
    `Seeding the \`large\` scenario (10,000 records per vendor): ${fmt(seedMs)} ms.`,
    '',
    'A filtered, paged list and a point lookup at each size. "per record vs 1,000" is the list cost per stored record relative to the 1,000 row (at or below 1: the cost grows no faster than the record count); "lookup vs 1,000" near 1 means lookups do not scan.',
    '',
    '| vendor | records | seed ms | list µs | list per record vs 1,000 | lookup µs | lookup vs 1,000 |',
    '|---|---:|---:|---:|---:|---:|---:|',
  )
  for (const row of rows) {
    const base = rows.find((r) => r.vendor === row.vendor && r.size === 1_000)!
    out.push(
      `| ${row.vendor} | ${fmt(row.size)} | ${fmt(row.seedMs)} | ${fmt(row.listUs)} | ${fmt(row.listUs / row.size / (base.listUs / base.size), 2)} | ${fmt(row.lookupUs)} | ${fmt(row.lookupUs / base.lookupUs, 2)} |`,
    )
  }
}

if (wanted('soak') && SOAK_SECONDS > 0) {
  const s = await soak(SOAK_SECONDS)
  out.push(
    '',
    `## Soak (${fmt(s.seconds / 60, 1)} min of mixed Snowflake traffic, faults on ~10 % of requests)`,
    '',
    `| measure | value |`,
    '|---|---|',
    `| requests | ${fmt(s.requests)} |`,
    `| RSS when the journal cap was reached → at the end | ${fmt(s.rssAtCapMb)} MB → ${fmt(s.rssEndMb)} MB (${fmt((s.rssEndMb / s.rssAtCapMb - 1) * 100, 1)} %) |`,
    `| RSS samples every 10 s (MB) | ${s.rssSamplesMb.map((v) => fmt(v)).join(', ')} |`,
    `| health checks answered | ${fmt(s.healthChecks - s.healthFailures)} of ${fmt(s.healthChecks)} |`,
    `| journal at the end | ${fmt(s.journal.size)} kept, ${fmt(s.journal.dropped)} dropped |`,
    `| unhandled rejections or unexpected failures logged | ${s.unhandled.length} |`,
  )
  log(`soak: ${fmt(s.requests)} requests, RSS ${fmt(s.rssAtCapMb)} → ${fmt(s.rssEndMb)} MB`)
}

writeFileSync(RESULTS, `${mergeSections(out.join('\n'))}\n`)
log('wrote bench/results.md')
