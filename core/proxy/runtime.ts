import type { AnyVendor } from '../vendor.ts'
import type { ProxyAdapters, ProxyOptions, RecordSink } from './types.ts'
import { ViolationLog } from './violations.ts'

/**
 * The runtime's `fetch` as it was when this module loaded. msw/node patches the global `fetch`
 * when a server starts listening; a mock created in the same process keeps reaching the real
 * network through this reference, provided this module loaded first (see the README: the
 * standalone server is the supported proxy).
 */
const RUNTIME_FETCH: typeof fetch = globalThis.fetch

export const DEFAULT_UPSTREAM_TIMEOUT_MS = 30_000

/** Proxy settings of one mock, shared by its sessions. */
export interface ProxyRuntime {
  /** Vendor name → upstream base URL. */
  upstreams: ReadonlyMap<string, URL>
  timeoutMs: number
  fetch: typeof fetch
  adapters: ProxyAdapters
  violations: ViolationLog
  recorder?: RecordSink
}

/** Checks the options (known vendors, http(s) URLs) and builds the proxy runtime. */
export function createProxyRuntime(
  options: ProxyOptions,
  vendors: readonly AnyVendor[],
  adapters: ProxyAdapters,
): ProxyRuntime {
  const upstreams = new Map<string, URL>()
  for (const [name, raw] of Object.entries(options.upstreams)) {
    if (!vendors.some((v) => v.name === name)) {
      throw new RangeError(
        `proxy names an unknown vendor "${name}"; vendors: ${vendors.map((v) => v.name).join(', ')}`,
      )
    }
    let url: URL
    try {
      url = new URL(raw)
    } catch {
      throw new RangeError(`proxy URL of ${name} is not a URL: "${raw}"`)
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new RangeError(`proxy URL of ${name} must be http or https; got "${raw}"`)
    }
    if (url.search || url.hash) {
      throw new RangeError(`proxy URL of ${name} must not have a query or fragment; got "${raw}"`)
    }
    upstreams.set(name, url)
  }
  const timeoutMs = options.timeoutMs ?? DEFAULT_UPSTREAM_TIMEOUT_MS
  if (!Number.isInteger(timeoutMs) || timeoutMs < 1) {
    throw new RangeError(`proxy timeout must be a whole number of ms ≥ 1; got ${timeoutMs}`)
  }
  return {
    upstreams,
    timeoutMs,
    fetch: options.fetch ?? RUNTIME_FETCH,
    adapters,
    violations: new ViolationLog(),
    recorder: options.recorder,
  }
}
