/**
 * Soak: mixed traffic with faults on about 10 % of requests against the built standalone server,
 * for a bounded time (SOAK_SECONDS, default 600). Samples RSS every 10 s, checks the server answers
 * `/__mock/health` every second, and scans its output for unhandled rejections.
 * Run alone with `npx tsx bench/soak.ts`, or as part of `npm run bench`.
 */
import { mkdtempSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import autocannon from 'autocannon'
import { startProcess } from './load.ts'
import { rssMb } from './stats.ts'

const ROOT = path.resolve(import.meta.dirname, '..')
const REPOS = '/api/v2/databases/ml_platform/schemas/images/image-repositories'
const AUTH = { Authorization: 'Bearer soak', 'Content-Type': 'application/json' }

/** What the soak saw. */
export interface SoakFigures {
  seconds: number
  requests: number
  rssAtCapMb: number
  rssEndMb: number
  rssSamplesMb: number[]
  healthChecks: number
  healthFailures: number
  unhandled: string[]
  journal: { size: number; dropped: number }
}

export async function soak(seconds: number): Promise<SoakFigures> {
  const rules = path.join(mkdtempSync(path.join(os.tmpdir(), 'irm-soak-')), 'faults.json')
  writeFileSync(
    rules,
    JSON.stringify([
      {
        id: 'soak-503',
        match: { operation: 'snowflake.*' },
        effect: { status: 503, retryAfter: 1 },
        probability: 0.05,
        seed: 1,
      },
      {
        id: 'soak-reset',
        match: { operation: 'snowflake.*' },
        effect: { network: 'reset' },
        probability: 0.03,
        seed: 2,
      },
      {
        id: 'soak-slow',
        match: { operation: 'snowflake.*' },
        effect: { delayMs: 20 },
        probability: 0.02,
        seed: 3,
      },
    ]),
  )
  const server = await startProcess(
    process.execPath,
    ['dist/cli.mjs', '--port', '0', '--faults', rules],
    /listening on http:\/\/127\.0\.0\.1:(\d+)/,
    { cwd: ROOT },
  )
  let output = ''
  server.child.stdout?.on('data', (d) => {
    output += d
  })
  server.child.stderr?.on('data', (d) => {
    output += d
  })
  const base = `http://127.0.0.1:${server.port}`
  let healthChecks = 0
  let healthFailures = 0
  const health = setInterval(() => {
    healthChecks++
    fetch(`${base}/__mock/health`, { signal: AbortSignal.timeout(900) })
      .then((r) => r.arrayBuffer())
      .catch(() => {
        healthFailures++
      })
  }, 1000)
  const samples: number[] = []
  let rssAtCap = 0
  const sampler = setInterval(async () => {
    samples.push(await rssMb(server.child.pid as number))
    if (!rssAtCap) {
      const journal = await (await fetch(`${base}/__mock/journal?limit=0`)).json()
      if (journal.dropped > 0) rssAtCap = samples.at(-1) as number
    }
  }, 10_000)
  const result = await autocannon({
    url: base,
    connections: 10,
    duration: seconds,
    requests: [
      { method: 'GET', path: `${REPOS}?like=ml%25`, headers: AUTH },
      { method: 'GET', path: `${REPOS}/soak_repo`, headers: AUTH },
      {
        method: 'POST',
        path: `${REPOS}?createMode=orReplace`,
        headers: AUTH,
        body: '{"name":"soak_repo"}',
      },
      { method: 'GET', path: `${REPOS}/soak_repo/images`, headers: AUTH },
      {
        method: 'POST',
        path: `${REPOS}/soak_repo:set-tags`,
        headers: AUTH,
        body: '[{"tag_name":"ENVIRONMENT","tag_value":"dev"}]',
      },
      { method: 'GET', path: `${REPOS}/soak_repo:get-tags`, headers: AUTH },
      { method: 'DELETE', path: `${REPOS}/soak_repo?ifExists=true`, headers: AUTH },
      { method: 'GET', path: `${REPOS}/missing_repo`, headers: AUTH },
    ],
  })
  clearInterval(health)
  clearInterval(sampler)
  const journal = await (await fetch(`${base}/__mock/journal?limit=0`)).json()
  const rssEnd = await rssMb(server.child.pid as number)
  server.child.kill('SIGTERM')
  return {
    seconds,
    requests: result.requests.total,
    rssAtCapMb: rssAtCap || (samples[0] ?? rssEnd),
    rssEndMb: rssEnd,
    rssSamplesMb: samples,
    healthChecks,
    healthFailures,
    unhandled: output
      .split('\n')
      .filter((line) => /unhandled|UnhandledPromiseRejection|failed unexpectedly/i.test(line)),
    journal: { size: journal.size, dropped: journal.dropped },
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const figures = await soak(Number(process.env.SOAK_SECONDS ?? 600))
  console.log(JSON.stringify(figures, null, 2))
}
