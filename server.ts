#!/usr/bin/env node
import { readFileSync } from 'node:fs'
import type { Server } from 'node:http'
import { pathToFileURL } from 'node:url'
import { parseArgs } from 'node:util'
import { getHeapStatistics } from 'node:v8'
import { VERSION } from './core/version.ts'
import { createMock } from './index.ts'
import { createApp } from './server/app.ts'

const HELP = `image-registry-mock ${VERSION}
Mock of the Snowflake, RHACS, Huawei SWR and Cycle.io image-repository APIs.

Usage: image-registry-mock [options]

Options:
  --port <n>            port to listen on (default: $PORT or 4010)
  --host <addr>         address to bind (default: 127.0.0.1)
  --scenario <name>     starting scenario: default, empty, large, flaky (default: default)
  --seed <n>            seed of every random stream (default: 1)
  --auth <on|off>       require vendor credentials (default: on)
  --fault <spec>        add a fault rule, repeatable: 'OPERATION:STATUS[:times=N][:after=N]
                        [:every=N][:probability=P][:retryAfter=S][:delayMs=MS]', or
                        'OPERATION:reset' / 'OPERATION:timeout'; OPERATION may use * and ?
  --faults <file>       add the fault rules in a JSON file (an array of rules)
  --max-sessions <n>    live sessions at most (default: 100)
  --max-heap-mb <n>     refuse new sessions while the JS heap holds more than n MB
                        (default: 3/4 of the heap limit; 0: no cap)
  --max-body-bytes <n>  largest accepted request body (default: 1048576)
  -h, --help            show this help
  -v, --version         show the version
`

/** Parses `OPERATION:STATUS[:key=value…]` into a fault rule. */
export function parseFaultSpec(spec: string): Record<string, unknown> {
  const [operation, effect, ...options] = spec.split(':')
  if (!operation || !effect)
    throw new Error(`--fault "${spec}": expected OPERATION:STATUS[:key=value…]`)
  const rule: Record<string, unknown> = { match: { operation } }
  const ruleEffect: Record<string, unknown> = {}
  if (effect === 'reset' || effect === 'timeout') ruleEffect.network = effect
  else if (/^\d{3}$/.test(effect)) ruleEffect.status = Number(effect)
  else throw new Error(`--fault "${spec}": "${effect}" is neither a status code nor reset/timeout`)
  for (const option of options) {
    const [key, value] = option.split('=')
    const number = Number(value)
    if (!key || value === undefined || !Number.isFinite(number)) {
      throw new Error(`--fault "${spec}": option "${option}" must be key=number`)
    }
    if (key === 'retryAfter' || key === 'delayMs') ruleEffect[key] = number
    else if (['times', 'after', 'every', 'probability', 'seed'].includes(key)) rule[key] = number
    else throw new Error(`--fault "${spec}": unknown option "${key}"`)
  }
  rule.effect = ruleEffect
  return rule
}

function fail(message: string): never {
  console.error(`image-registry-mock: ${message}`)
  process.exit(2)
}

function intOption(name: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined) return fallback
  const value = Number(raw)
  if (!Number.isInteger(value) || value < 0) fail(`--${name} must be a whole number; got "${raw}"`)
  return value
}

/** `--max-heap-mb` in bytes: -1 (not given) is 3/4 of V8's heap limit, 0 is no cap. */
function heapCap(mb: number): number | undefined {
  if (mb === 0) return undefined
  return mb > 0 ? mb * 2 ** 20 : Math.floor(getHeapStatistics().heap_size_limit * 0.75)
}

/** Runs the CLI: parses flags, seeds the mock and listens until SIGINT/SIGTERM. */
export async function main(): Promise<void> {
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
  if (values.auth !== 'on' && values.auth !== 'off')
    fail(`--auth must be "on" or "off"; got "${values.auth}"`)

  let mock: ReturnType<typeof createMock>
  try {
    mock = createMock({
      scenario: values.scenario,
      seed: intOption('seed', values.seed, 1),
      auth: values.auth === 'on',
      maxSessions: intOption('max-sessions', values['max-sessions'], 100),
      maxHeapBytes: heapCap(intOption('max-heap-mb', values['max-heap-mb'], -1)),
      maxBodyBytes: intOption('max-body-bytes', values['max-body-bytes'], 1024 * 1024),
    })
    await mock.ready
    const rules: unknown[] = (values.fault ?? []).map(parseFaultSpec)
    if (values.faults) {
      const fromFile = JSON.parse(readFileSync(values.faults, 'utf8'))
      if (!Array.isArray(fromFile))
        fail(`--faults ${values.faults}: the file must hold a JSON array of rules`)
      rules.push(...fromFile)
    }
    mock.faults.addAll(rules)
  } catch (error) {
    fail((error as Error).message)
  }

  const server: Server = createApp(mock).listen(port, host)
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
    const url = `http://${host.includes(':') ? `[${host}]` : host}:${actualPort}`
    const lines = [
      `image-registry-mock ${VERSION} listening on ${url}`,
      `scenario ${mock.options.scenario}, seed ${mock.options.seed}, auth ${mock.options.auth ? 'on' : 'off'}${mock.faults.list().length ? `, ${mock.faults.list().length} fault rule(s)` : ''}`,
      `control API: ${url}/__mock/health`,
      'operations:',
      ...mock.vendors.flatMap((v) =>
        v.operations.map((op) => `  ${op.method.padEnd(6)} ${op.path}  (${v.name}.${op.id})`),
      ),
    ]
    process.stdout.write(`${lines.join('\n')}\n`)
  })
  const stop = (signal: string) => {
    process.stdout.write(`received ${signal}, shutting down\n`)
    server.close(() => process.exit(0))
    server.closeAllConnections()
  }
  process.once('SIGINT', () => stop('SIGINT'))
  process.once('SIGTERM', () => stop('SIGTERM'))
}

function parseCli() {
  return parseArgs({
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      scenario: { type: 'string' },
      seed: { type: 'string' },
      auth: { type: 'string', default: 'on' },
      fault: { type: 'string', multiple: true },
      faults: { type: 'string' },
      'max-sessions': { type: 'string' },
      'max-heap-mb': { type: 'string' },
      'max-body-bytes': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
      version: { type: 'boolean', short: 'v' },
    },
    strict: true,
  })
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await main()
}
