import { resolve } from 'node:path'
import type { ProxyOptions } from '../core/proxy/types.ts'
import { proxyAdapters, vendors } from '../handlers/index.ts'
import { Recorder } from './recorder.ts'

/** The CLI's proxy flags, for `parseArgs`. */
export const PROXY_CLI_OPTIONS = {
  proxy: { type: 'string', multiple: true },
  record: { type: 'string' },
  'proxy-timeout': { type: 'string' },
} as const

/** The proxy flags' lines of `--help`. */
export const PROXY_HELP = `  --proxy <vendor=url>  answer a vendor from its real service, repeatable
                        (snowflake, rhacs, swr, cycle); requests and answers are
                        validated, violations at GET /__mock/violations
  --record <file>       write what the proxied services answered to <file>, in the
                        GET /__mock/state format (credentials replaced by placeholders)
  --proxy-timeout <ms>  wait this long for an upstream answer (default: 30000)
`

/** What the proxy flags give: the mock's proxy options and the recorder to flush on exit. */
export interface ProxySetup {
  proxy?: ProxyOptions
  recorder?: Recorder
}

/**
 * Reads `--proxy VENDOR=URL` (repeatable), `--record FILE` and `--proxy-timeout MS`.
 * @throws Error with a message for the user when a flag is malformed or `--record` has no `--proxy`.
 */
export function proxySetup(values: {
  proxy?: string[]
  record?: string
  'proxy-timeout'?: string
}): ProxySetup {
  const specs = values.proxy ?? []
  if (specs.length === 0) {
    if (values.record) throw new Error('--record needs at least one --proxy VENDOR=URL')
    if (values['proxy-timeout']) throw new Error('--proxy-timeout needs --proxy VENDOR=URL')
    return {}
  }
  const upstreams: Record<string, string> = {}
  for (const spec of specs) {
    const at = spec.indexOf('=')
    const name = spec.slice(0, at).trim()
    const url = spec.slice(at + 1).trim()
    if (at < 1 || url === '') {
      throw new Error(`--proxy "${spec}": expected VENDOR=URL, e.g. cycle=https://api.cycle.io`)
    }
    if (name in upstreams) throw new Error(`--proxy names ${name} twice`)
    upstreams[name] = url
  }
  let timeoutMs: number | undefined
  if (values['proxy-timeout'] !== undefined) {
    timeoutMs = Number(values['proxy-timeout'])
    if (!Number.isInteger(timeoutMs) || timeoutMs < 1) {
      throw new Error(
        `--proxy-timeout must be whole milliseconds ≥ 1; got "${values['proxy-timeout']}"`,
      )
    }
  }
  const recorder = values.record
    ? new Recorder(resolve(values.record), vendors, proxyAdapters)
    : undefined
  return { proxy: { upstreams, timeoutMs, recorder }, recorder }
}
