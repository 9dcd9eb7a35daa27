#!/usr/bin/env node
import { rename, rm, writeFile } from 'node:fs/promises'
import type { Server } from 'node:http'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import { parseArgs } from 'node:util'
import { getHeapStatistics } from 'node:v8'
import { coverage, coverageMarkdown } from './core/coverage.ts'
import { FaultRuleError, type FaultRuleInput } from './core/faults.ts'
import { DEFAULT_JOURNALS_BYTES } from './core/journal-budget.ts'
import { builtInScenario, isBuiltIn, type Scenario } from './core/scenario.ts'
import { VERSION } from './core/version.ts'
import { parseWholeNumber } from './core/whole-number.ts'
import { parseFaultSpec } from './server/fault-spec.ts'

/** The `--fault` shorthand parser, for tests and tools that build rules as the CLI does. */
export { parseFaultSpec }

import { createMock, scenarios, vendors } from './index.ts'
import { createApp } from './server/app.ts'
import { answerMalformedRequests } from './server/client-error.ts'
import { DataFileError, readDataFile } from './server/document.ts'
import {
  bounded,
  type FileFlag,
  fileErrorReason,
  flagProblem,
  outputFileProblem,
  sameFileProblem,
} from './server/file-flags.ts'
import { listenUrl } from './server/listen-url.ts'
import {
  PROXY_CLI_OPTIONS,
  PROXY_HELP,
  type ProxySetup,
  proxySetup,
} from './server/proxy-options.ts'
import { isScenarioFile, loadScenarioFile } from './server/scenario-file.ts'
import { readStateFile, restoreSessions, StateFileWriter } from './server/state-file.ts'

/** `--help`: every option of the server (the README's flag table lists the same). */
export const HELP = `image-registry-mock ${VERSION}
Mock of the Snowflake, RHACS, Huawei SWR and Cycle.io image-repository APIs.

Usage: image-registry-mock [options]
       image-registry-mock mcp [--base URL] [options]   (see mcp --help)

Options:
  --port <n>            port to listen on (default: $PORT or 4010; 0: any free port,
                        the "listening on http://HOST:PORT" line names it)
  --host <addr>         address to bind (default: 127.0.0.1)
  --scenario <name|file>
                        starting scenario: default, empty, large, flaky (default: default),
                        or a JSON/YAML file in the format GET /__mock/state writes
  --seed <n>            seed of every random stream (default: 1)
  --auth <on|off>       require vendor credentials (default: on)
  --clock <step|real>   step: the session clock moves 1 s per request (deterministic);
                        real: it follows wall time from the scenario's start (default: step)
  --fault <spec>        a fault rule every session starts with, repeatable:
                        'OPERATION[:EFFECT][:key=value…]'
                        EFFECT: a status (4xx/5xx, or 301/302/303/307/308 with
                        location=URL), reset, timeout, garbage, empty or truncate (with
                        bytes=N); none with delayMs=MS or bytesPerSecond=N: latency only
                        (delayMs=uniform(MIN,MAX) or lognormal(MEDIAN,SIGMA,MAX): drawn)
                        window: from=+5s|ISO, until=+30s|ISO, or every=60s with for=10s
                        quota=LIMIT/PERMS[/session|principal|operation]: the vendor's 429
                        past LIMIT requests per window (EFFECT may be left out)
                        keys: times, after, every, probability, seed, retryAfter, delayMs,
                        bytes, bytesPerSecond,
                        location, when (afterCommit: fail after the operation ran),
                        async (fail: the job or async result it starts fails),
                        body (JSON), method, path, principal, id; OPERATION may use * and ?
                        header.NAME=GLOB, query.NAME=GLOB, body.FIELD=GLOB: match.headers,
                        match.query, match.body
  --faults <file>       add the fault rules in a JSON or YAML file (an array)
  --state <file>        keep every session in this file across restarts: loaded at start
                        (created from the scenario when missing), rewritten within 250 ms
                        of each change and on exit; --fault/--faults apply only to a new file
  --coverage <file>     on exit, write the resilience coverage of every session's journal
                        (GET /__mock/coverage) to this JSON file, and a Markdown table
                        beside it (file.json → file.md); both are removed at start, so
                        they exist only once this run has written them
  --max-sessions <n>    live sessions at most (default: 100)
  --max-heap-mb <n>     refuse new sessions while the JS heap holds more than n MB
                        (default: 3/4 of the heap limit; 0: no cap)
  --max-body-bytes <n>  largest accepted request body (default: 1048576)
${PROXY_HELP}  -h, --help            show this help
  -v, --version         show the version
`

/** `--clock`: the step clock (default) or wall time. */
function clockMode(raw: string | undefined): 'real' | undefined {
  if (raw === undefined || raw === 'step') return undefined
  if (raw === 'real') return 'real'
  fail(`--clock must be step or real; got "${raw}"`)
}

function fail(message: string): never {
  console.error(`image-registry-mock: ${message}`)
  process.exit(2)
}

/** A whole-number flag: digits only (`1e3`, `0x10` and ` 7` are refused), at least `min`. */
function intOption(name: string, raw: string | undefined, fallback: number, min = 0): number {
  if (raw === undefined) return fallback
  const value = parseWholeNumber(raw)
  if (value === undefined) fail(`--${name} must be a whole number; got "${raw}"`)
  if (value < min) fail(`--${name} must be at least ${min}; got ${value}`)
  return value
}

/** `--max-heap-mb` in bytes: -1 (not given) is 3/4 of V8's heap limit, 0 is no cap. */
function heapCap(mb: number): number | undefined {
  if (mb === 0) return undefined
  return mb > 0 ? mb * 2 ** 20 : Math.floor(getHeapStatistics().heap_size_limit * 0.75)
}

/** Rules from the command line, each with the flag that gave it (for error messages). */
interface FlagRules {
  rules: unknown[]
  /** `--fault "…"`, or `--faults FILE: rules[i]`, for each rule. */
  sources: string[]
}

/**
 * The rules of --fault (shorthand) and --faults (a JSON or YAML file, read as scenario and state
 * files are), in that order, unvalidated.
 */
async function faultRulesFromFlags(values: {
  fault?: string[]
  faults?: string
}): Promise<FlagRules> {
  const specs = values.fault ?? []
  const rules: unknown[] = specs.map(parseFaultSpec)
  const sources = specs.map((spec) => `--fault "${spec}"`)
  if (values.faults) {
    let fromFile: unknown
    try {
      fromFile = await readDataFile(values.faults)
    } catch (error) {
      fail(fileFlagMessage({ flag: '--faults', file: values.faults }, error))
    }
    if (!Array.isArray(fromFile))
      fail(`--faults ${values.faults}: the file must hold an array of rules`)
    // One at a time: spreading a file of 130,000 rules into push() overflows the call stack.
    fromFile.forEach((rule, i) => {
      rules.push(rule)
      sources.push(`--faults ${values.faults}: rules[${i}]`)
    })
  }
  return { rules, sources }
}

/**
 * The starting scenario with the command line's fault rules after its own, so that every
 * session (not only the default one) starts with them, and a reset to it restores them. A name
 * that is not a built-in scenario is left for createMock to refuse.
 */
function withRules(scenario: string | Scenario, rules: unknown[]): string | Scenario {
  if (rules.length === 0) return scenario
  const base = baseScenario(scenario)
  if (!base) return scenario
  const combined: Scenario = {
    ...base,
    faults: [...(base.faults ?? []), ...(rules as FaultRuleInput[])],
  }
  return isBuiltIn(base) ? builtInScenario(combined) : combined
}

function baseScenario(scenario: string | Scenario): Scenario | undefined {
  return typeof scenario === 'string' ? scenarios.find((s) => s.name === scenario) : scenario
}

const MCP_HELP = `image-registry-mock mcp ${VERSION}
A Model Context Protocol server over stdio whose tools drive the control API (/__mock) of a mock:
list_operations, list_sessions, add_fault_rule, list_fault_rules, remove_fault_rule,
read_journal, retries, coverage, reset_session, get_state, put_state, advance_clock.

Usage: image-registry-mock mcp [options]

Options:
  --base <url>          the running mock to control, e.g. http://127.0.0.1:4010; without it the
                        command starts its own mock with the options below and prints its URL
                        on stderr (stdout carries the protocol)
  --port <n>            its own mock's port (default: 0, any free port)
  --host <addr>         its own mock's address (default: 127.0.0.1)
  --scenario <name>     its own mock's scenario: default, empty, large, flaky (default: default)
  --seed <n>            its own mock's seed (default: 1)
  --auth <on|off>       its own mock requires vendor credentials (default: on)
  --timeout-ms <n>      how long a tool waits for the mock's whole answer before it reports
                        "no answer from URL within N s" (default: 30000)
  -h, --help            show this help
`

/**
 * `image-registry-mock mcp`: serves the MCP tools over stdio for the mock at `--base`, or for a
 * mock of its own when there is none. Exits when the client closes stdin.
 */
async function mcp(args: string[]): Promise<void> {
  let values: ReturnType<typeof parseMcpCli>['values']
  try {
    values = parseMcpCli(args).values
  } catch (error) {
    fail(`mcp: ${(error as Error).message}\nRun mcp --help for the options.`)
  }
  if (values.help) {
    process.stdout.write(MCP_HELP)
    return
  }
  const timeoutMs = intOption('timeout-ms', values['timeout-ms'], 30_000, 1)
  let base = values.base
  let server: Server | undefined
  if (base !== undefined) {
    const given = base
    const url = URL.canParse(given) ? new URL(given) : undefined
    if (!url || !/^https?:$/.test(url.protocol))
      fail(
        `mcp --base must be the mock's http(s) URL such as http://127.0.0.1:4010; got "${given}"`,
      )
    for (const own of ['port', 'host', 'scenario', 'seed', 'auth'] as const) {
      if (values[own] !== undefined)
        fail(`mcp --${own} sets up its own mock; it cannot go with --base`)
    }
  } else {
    const port = intOption('port', values.port, 0)
    if (port > 65535) fail(`--port must be at most 65535; got ${port}`)
    const host = values.host ?? '127.0.0.1'
    const auth = values.auth ?? 'on'
    if (auth !== 'on' && auth !== 'off') fail(`--auth must be "on" or "off"; got "${auth}"`)
    const mock = createMock({
      scenario: values.scenario ?? 'default',
      seed: intOption('seed', values.seed, 1),
      auth: auth === 'on',
    })
    try {
      await mock.ready
    } catch (error) {
      fail((error as Error).message)
    }
    const listening = createApp(mock).listen(port, host)
    answerMalformedRequests(listening)
    server = listening
    base = await new Promise<string>((resolve) => {
      listening.once('error', (error: NodeJS.ErrnoException) =>
        fail(
          error.code === 'EADDRINUSE'
            ? `port ${port} on ${host} is already in use; pick another with --port`
            : error.message,
        ),
      )
      listening.once('listening', () => {
        const address = listening.address()
        const actual = typeof address === 'object' && address ? address.port : port
        resolve(listenUrl(host, actual))
      })
    })
    process.stderr.write(`image-registry-mock ${VERSION} listening on ${base}\n`)
  }
  const { serveMcp } = await import('./server/mcp.ts')
  await serveMcp(base, { timeoutMs })
  server?.closeAllConnections()
  server?.close()
}

function parseMcpCli(args: string[]) {
  return parseArgs({
    args,
    options: {
      base: { type: 'string' },
      port: { type: 'string' },
      host: { type: 'string' },
      scenario: { type: 'string' },
      seed: { type: 'string' },
      auth: { type: 'string' },
      'timeout-ms': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  })
}

/**
 * Runs the CLI: parses flags, seeds the mock and listens until SIGINT/SIGTERM or, when npm
 * started it, until its launcher ends.
 */
export async function main(): Promise<void> {
  // Read first: a launcher that ends during start-up still counts.
  const launcher = process.ppid
  if (process.argv[2] === 'mcp') return mcp(process.argv.slice(3))
  let parsed: ReturnType<typeof parseCli>
  try {
    parsed = parseCli()
  } catch (error) {
    fail(`${(error as Error).message}\nRun with --help for the options.`)
  }
  const { values } = parsed
  if (values.help) {
    process.stdout.write(HELP)
    return
  }
  if (values.version) {
    process.stdout.write(`${VERSION}\n`)
    return
  }
  const port = intOption('port', values.port ?? process.env.PORT, 4010)
  if (port > 65535) fail(`--port must be at most 65535; got ${port}`)
  const host = values.host ?? '127.0.0.1'
  if (host.trim() === '') fail('--host must name an address (0.0.0.0 for every interface)')
  if (values.auth !== 'on' && values.auth !== 'off')
    fail(`--auth must be "on" or "off"; got "${values.auth}"`)

  let mock: ReturnType<typeof createMock>
  let writer: StateFileWriter | undefined
  let restored: string[] = []
  let proxied: ProxySetup = {}
  let flagRules: FlagRules = { rules: [], sources: [] }
  let scenarioRules = 0
  const stateFlag = values.state ? { flag: '--state', file: values.state } : undefined
  try {
    proxied = proxySetup(values)
    await checkFileFlags(values)
    const scenarioFile =
      values.scenario && isScenarioFile(values.scenario)
        ? await loadScenarioFile(
            values.scenario,
            vendors,
            scenarios.map((s) => s.name),
          ).catch((error) => {
            throw new FlagError(
              fileFlagMessage({ flag: '--scenario', file: values.scenario as string }, error),
            )
          })
        : undefined
    // A saved state brings its own rules; --fault/--faults apply only when starting afresh.
    const saved = stateFlag
      ? await readStateFile(stateFlag.file).catch((error) => {
          throw new FlagError(fileFlagMessage(stateFlag, error))
        })
      : undefined
    flagRules = saved ? { rules: [], sources: [] } : await faultRulesFromFlags(values)
    const starting = scenarioFile?.scenario ?? values.scenario ?? 'default'
    scenarioRules = baseScenario(starting)?.faults?.length ?? 0
    mock = createMock({
      proxy: proxied.proxy,
      scenario: withRules(starting, flagRules.rules),
      seed: intOption('seed', values.seed, scenarioFile?.seed ?? 1),
      clock: clockMode(values.clock),
      auth: values.auth === 'on',
      maxSessions: intOption('max-sessions', values['max-sessions'], 100, 1),
      maxHeapBytes: heapCap(intOption('max-heap-mb', values['max-heap-mb'], -1)),
      maxBodyBytes: intOption('max-body-bytes', values['max-body-bytes'], 1024 * 1024),
      // A quarter of the heap at most, so the journals of many sessions never exhaust it.
      journalsMaxBytes: Math.min(
        DEFAULT_JOURNALS_BYTES,
        Math.floor(getHeapStatistics().heap_size_limit / 4),
      ),
    })
    await mock.ready // validates the rules too: a bad one fails here
    if (saved && stateFlag)
      restored = await restoreSessions(mock, saved, stateFlag.file).catch((error) => {
        throw new FlagError(fileFlagMessage(stateFlag, error))
      })
    if (stateFlag) {
      writer = new StateFileWriter(mock, stateFlag.file)
      // Creates the file at once, so a bad path fails here rather than on the first change.
      const written = await bounded(
        writer
          .flush()
          .catch((error) => flagProblem(stateFlag, `cannot write (${fileErrorReason(error)})`)),
        stateFlag,
      )
      if (typeof written === 'string') throw new FlagError(written)
    }
    // Nothing is left that a gate could read as this run's result.
    if (values.coverage) await removeCoverage(values.coverage)
  } catch (error) {
    if (error instanceof DataFileError || error instanceof FlagError) fail(error.message)
    // A command-line rule comes after the scenario's own: name the flag that gave it.
    const at = error instanceof FaultRuleError ? error.at : undefined
    const source = at && flagRules.sources[at.index - scenarioRules]
    if (at && source) fail(`${source}: ${at.reason}`)
    fail((error as Error).message)
  }

  const server: Server = createApp(mock).listen(port, host)
  answerMalformedRequests(server)
  writer?.watch(server)
  server.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EADDRINUSE')
      fail(`port ${port} on ${host} is already in use; pick another with --port or PORT`)
    if (error.code === 'EACCES')
      fail(`not allowed to listen on ${host}:${port}; pick a port above 1023`)
    fail(error.message)
  })
  server.on('listening', () => {
    const address = server.address()
    const actualPort = typeof address === 'object' && address ? address.port : port
    const url = listenUrl(host, actualPort)
    const lines = [
      `image-registry-mock ${VERSION} listening on ${url}`,
      `scenario ${mock.options.scenario}, seed ${mock.options.seed}, auth ${mock.options.auth ? 'on' : 'off'}${mock.faults.list().length ? `, ${mock.faults.list().length} fault rule(s)` : ''}`,
      ...(values.state
        ? [
            restored.length > 0
              ? `state: ${values.state} (restored session(s): ${restored.join(', ')}${values.fault || values.faults ? '; --fault/--faults ignored, the saved rules are kept' : ''})`
              : `state: ${values.state} (new)`,
          ]
        : []),
      `control API: ${url}/__mock/health`,
      `dashboard: ${url}/__mock/`,
      ...proxyLines(proxied, url),
      'operations:',
      ...mock.vendors.flatMap((v) =>
        v.operations.map((op) => `  ${op.method.padEnd(6)} ${op.path}  (${v.name}.${op.id})`),
      ),
    ]
    process.stdout.write(`${lines.join('\n')}\n`)
  })
  let stopping = false
  const stop = (reason: string) => {
    if (stopping) return
    stopping = true
    // The launcher may be gone with the pipe it read our output from: EPIPE must not crash the
    // shutdown before the state file and the recording are written.
    process.stdout.on('error', () => {})
    process.stdout.write(`${reason}, shutting down\n`)
    // The requests still in flight are answered (and journaled) first; then the last changes
    // reach the state file, the recording and the coverage file before the process ends.
    // Each file on its own: one that cannot be written must not keep the others from being saved.
    closeServer(server)
      .then(() => {
        const writes: Array<[FileFlag, Promise<void>]> = []
        if (writer && values.state)
          writes.push([{ flag: '--state', file: values.state }, writer.close()])
        if (proxied.recorder && values.record)
          writes.push([{ flag: '--record', file: values.record }, proxied.recorder.flush()])
        if (values.coverage)
          writes.push([
            { flag: '--coverage', file: values.coverage },
            writeCoverage(mock, values.coverage),
          ])
        return Promise.allSettled(writes.map(([, write]) => write)).then((results) =>
          results.filter((result, i) => {
            if (result.status === 'fulfilled') return false
            const target = writes[i]?.[0] as FileFlag
            console.error(
              `image-registry-mock: ${flagProblem(target, `cannot write (${fileErrorReason(result.reason)})`)}`,
            )
            return true
          }),
        )
      })
      .then((failed) => process.exit(failed.length > 0 ? 1 : 0))
  }
  process.once('SIGINT', () => stop('received SIGINT'))
  process.once('SIGTERM', () => stop('received SIGTERM'))
  watchLauncher(launcher, () => stop(`launcher (pid ${launcher}) ended`))
}

/** The banner's lines for proxy mode: each proxied vendor's upstream, and the recording file. */
function proxyLines(proxied: ProxySetup, url: string): string[] {
  const upstreams = Object.entries(proxied.proxy?.upstreams ?? {})
  if (upstreams.length === 0) return []
  return [
    `proxied (requests and answers validated, violations at ${url}/__mock/violations):`,
    ...upstreams.map(([vendor, upstream]) => `  ${vendor} -> ${upstream}`),
    ...(proxied.recorder
      ? [`recording: ${proxied.recorder.file} (rewritten as answers arrive, and on exit)`]
      : []),
  ]
}

/** How often a server started by npm checks that its launcher is still running, in ms. */
const LAUNCHER_POLL_MS = 500

/**
 * Calls `onGone` once `launcher`, the process that started this one, has ended, when
 * npm started it (`npm_command` is set: `npm start`, `npm exec`, `npx`). npm runs a package's bin
 * and scripts through `sh -c`, and dash ends on SIGTERM without passing the signal on, which
 * would leave the server orphaned on its port. An orphan is re-parented (to init or the nearest
 * subreaper), so a change of `process.ppid` says the launcher is gone, however it ended (SIGTERM,
 * SIGKILL, a crash). Anything else that starts the server (a shell's `&`, nohup, a test) may
 * well leave it running on purpose.
 */
function watchLauncher(launcher: number, onGone: () => void): void {
  if (!process.env.npm_command) return
  const timer = setInterval(() => {
    if (process.ppid === launcher) return
    clearInterval(timer)
    onGone()
  }, LAUNCHER_POLL_MS)
  // Never the reason the process stays alive.
  timer.unref()
}

/** How long a stopping server waits for the requests in flight before it drops them, ms. */
const SHUTDOWN_GRACE_MS = 2_000
/** How often a stopping server closes the connections that have become idle, ms. */
const IDLE_SWEEP_MS = 50

/**
 * Stops accepting connections and resolves once every open one has closed: idle keep-alive
 * connections at once (a client's pool must not hold the exit up), one still answering as soon
 * as it is idle, and whatever is left after {@link SHUTDOWN_GRACE_MS} (a `timeout` fault's
 * connection, a slow body) is dropped.
 */
function closeServer(server: Server): Promise<void> {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()))
  server.closeIdleConnections()
  const sweep = setInterval(() => server.closeIdleConnections(), IDLE_SWEEP_MS)
  const grace = setTimeout(() => server.closeAllConnections(), SHUTDOWN_GRACE_MS)
  return closed.finally(() => {
    clearInterval(sweep)
    clearTimeout(grace)
  })
}

/** An error of a file flag, its message naming the flag and the user's path. */
class FlagError extends Error {}

/**
 * A problem reading a file flag's file, as `--flag FILE: reason`: the file's own errors begin with
 * its base name, which the flag and the path as the user gave it replace.
 */
function fileFlagMessage(target: FileFlag, error: unknown): string {
  const message = error instanceof Error ? error.message : String(error)
  const own = `${path.basename(target.file)}: `
  return flagProblem(
    target,
    message.startsWith(own) ? message.slice(own.length) : fileErrorReason(error),
  )
}

/**
 * Refuses, before anything is read or written, two file flags naming one file where one is
 * written (`--state F --coverage F`, `--state` over the `--scenario` file), and an output file
 * that cannot be written where the user named it (see {@link outputFileProblem}).
 */
async function checkFileFlags(values: {
  state?: string
  coverage?: string
  record?: string
  scenario?: string
  faults?: string
}): Promise<void> {
  const outputs: FileFlag[] = []
  if (values.state) outputs.push({ flag: '--state', file: values.state })
  if (values.coverage) {
    outputs.push({ flag: '--coverage', file: values.coverage })
    outputs.push({
      flag: '--coverage',
      role: "--coverage's Markdown table",
      file: markdownBeside(values.coverage),
    })
  }
  if (values.record) outputs.push({ flag: '--record', file: values.record })
  const inputs: FileFlag[] = []
  if (values.scenario && isScenarioFile(values.scenario))
    inputs.push({ flag: '--scenario', file: values.scenario })
  if (values.faults) inputs.push({ flag: '--faults', file: values.faults })
  const same = await sameFileProblem(outputs, inputs)
  if (same) throw new FlagError(same)
  for (const target of outputs) {
    const problem = await outputFileProblem(target)
    if (problem) throw new FlagError(problem)
  }
}

/**
 * Removes an earlier run's `--coverage` FILE and table: until this run has written them on exit,
 * there is nothing a CI gate could mistake for this run's result.
 */
async function removeCoverage(file: string): Promise<void> {
  await Promise.all([rm(file, { force: true }), rm(markdownBeside(file), { force: true })])
}

/**
 * `--coverage FILE`: the resilience coverage (`core/coverage.ts`) of every live session's journal
 * together, as JSON in `file` and as a Markdown table beside it (`.json` replaced by `.md`). Each
 * is written to a temporary file and renamed into place, so FILE is either absent or whole.
 */
async function writeCoverage(mock: ReturnType<typeof createMock>, file: string): Promise<void> {
  const { sessions } = mock.runtime
  const entries = sessions.names().flatMap((name) => [...sessions.get(name).journal.entries()])
  const report = coverage(entries, mock.vendors)
  // The table first: a gate that waits for FILE finds the table there too.
  await writeWhole(markdownBeside(file), coverageMarkdown(report))
  await writeWhole(file, `${JSON.stringify(report, null, 2)}\n`)
}

/** Writes `text` to `file` through a temporary file beside it, renamed into place. */
async function writeWhole(file: string, text: string): Promise<void> {
  const temporary = `${file}.${process.pid}.tmp`
  await writeFile(temporary, text, 'utf8')
  await rename(temporary, file)
}

/** `coverage.json` → `coverage.md`; any other name gets `.md` added. */
function markdownBeside(file: string): string {
  return /\.json$/i.test(file) ? file.replace(/\.json$/i, '.md') : `${file}.md`
}

function parseCli() {
  return parseArgs({
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      scenario: { type: 'string' },
      seed: { type: 'string' },
      clock: { type: 'string' },
      auth: { type: 'string', default: 'on' },
      fault: { type: 'string', multiple: true },
      faults: { type: 'string' },
      state: { type: 'string' },
      coverage: { type: 'string' },
      'max-sessions': { type: 'string' },
      'max-heap-mb': { type: 'string' },
      'max-body-bytes': { type: 'string' },
      ...PROXY_CLI_OPTIONS,
      help: { type: 'boolean', short: 'h' },
      version: { type: 'boolean', short: 'v' },
    },
    strict: true,
  })
}

// Run directly (`tsx server.ts`). No top-level await: the CLI bundle is CommonJS.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  void main()
}
