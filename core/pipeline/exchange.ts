import type { Answer } from '../answer.ts'
import { isLatencyOnly } from '../fault-match.ts'
import type { FaultRule } from '../faults.ts'
import type { Violation } from '../journal.ts'
import type { ProxyRuntime } from '../proxy/runtime.ts'
import { createRandom, type Random } from '../random.ts'
import type { MockRequest } from '../request-input.ts'
import type { Session, SessionManager } from '../session.ts'
import type { AnyOperation, AnyVendor } from '../vendor.ts'

/** Settings shared by every request of one mock. */
export interface Runtime {
  sessions: SessionManager
  maxBodyBytes: number
  /** A `network: timeout` fault gives up after this long, so abandoned requests cannot leak. */
  timeoutCeilingMs: number
  /** Request ids for failures that happen before a session exists. */
  fallbackIds: Random
  /** Proxy mode: the vendors answered by their real services (see `forwardUpstream`). */
  proxy?: ProxyRuntime
}

/** Creates the runtime's fallback id stream. */
export function createFallbackIds(seed: number): Random {
  return createRandom(seed ^ 0x5eed)
}

/**
 * One request on its way through the pipeline. The router fills the first block; each step reads
 * what earlier steps wrote and adds its own part. A step answers by setting `response`.
 */
export interface Exchange {
  readonly vendor: AnyVendor
  /** The operation serving this method and path, or undefined when none does. */
  readonly operation: AnyOperation | undefined
  /** Methods that serve this path when `operation` is undefined (an empty list: no route). */
  readonly allowed: readonly string[]
  /** Where the vendor's front end redirects this path to (its `//` collapsed), if it does. */
  readonly redirect?: string
  readonly request: MockRequest
  readonly url: URL
  /** Path parameters, percent-decoded. */
  readonly params: Record<string, string>
  readonly runtime: Runtime
  /** `<vendor>.<operationId>`, or `<vendor>.unmatched`. */
  readonly operationId: string
  /** `performance.now()` when the request arrived. */
  readonly started: number

  session?: Session
  /** The session's epoch when the request resolved it (see `superseded`). */
  epoch?: number
  requestId?: string
  /** The body's text, decoded by its declared charset ('' when none). */
  bodyText: string
  /** The body's bytes exactly as sent (empty when none): what goes upstream in proxy mode. */
  bodyBytes: Uint8Array<ArrayBuffer>
  principal?: unknown
  /** The fault rules that fired, in order; a terminal rule (status, network, redirect) is last. */
  faults: FaultRule[]
  /**
   * Set when the answer is a dropped connection rather than a status, or (`truncate`) a real
   * answer whose body is cut short.
   */
  network: 'reset' | 'timeout' | 'garbage' | 'empty' | 'truncate' | null
  response?: Answer
  /** The latency this request got before its answer, ms: fault rules' and `X-Mock-Delay`'s. */
  delayMs?: number
  /** A `network: truncate` rule that fired: the operation runs, then its answer's body is cut. */
  truncate?: FaultRule
  /** An `afterCommit` rule that fired: the operation runs, then its answer is replaced. */
  afterCommit?: FaultRule
  /** An `effect.async: "fail"` rule that fired: the operation runs; the async work it starts fails. */
  failAsync?: FaultRule
  /** The operation (or the upstream) ran and answered a success: its change is stored. */
  committed: boolean
  /** The client was gone before the operation started, so it did not run; nobody got an answer. */
  abandoned: boolean
  /** Set when an upstream answered (proxy mode): its answer passes unstamped. */
  forwarded?: boolean
  /** Proxy mode: contract violations of the request and the upstream's answer. */
  violations?: Violation[]
}

/** One named stage of the pipeline. */
export type Step = (exchange: Exchange) => void | Promise<void>

/** The rule the journal names: the terminal one, else the first latency rule. */
export function decidingFault(exchange: Exchange): FaultRule | undefined {
  const last = exchange.faults.at(-1)
  return last && !isLatencyOnly(last) ? last : exchange.faults[0]
}

/** Whether the client gets no HTTP answer at all (a dropped connection, garbage, nothing). */
export function sendsNoAnswer(exchange: Exchange): boolean {
  return (exchange.network !== null && exchange.network !== 'truncate') || exchange.abandoned
}

/** The request's session, for steps that run after `resolveSession`. */
export function sessionOf(exchange: Exchange): Session {
  if (!exchange.session) throw new Error('pipeline order: resolveSession must run first')
  return exchange.session
}
