import type { z } from 'zod'
import type { MockRequest } from '../request-input.ts'

/**
 * Proxy mode: a vendor named here is answered by its real service instead of the model. Faults,
 * latency and sessions still apply in front of it.
 */
export interface ProxyOptions {
  /** Vendor name → base URL of the real service, e.g. `{ cycle: 'https://api.cycle.io' }`. */
  upstreams: Record<string, string>
  /** Milliseconds to wait for the upstream's answer (headers and a whole non-streamed body); default 30,000. */
  timeoutMs?: number
  /**
   * Receives every upstream answer for recording (the standalone server's `--record FILE` passes
   * its file recorder).
   */
  recorder?: RecordSink
  /**
   * The `fetch` that reaches the upstreams; default the runtime's own `fetch`, as it was when this
   * module loaded (before msw/node patched it, if it was loaded first).
   */
  fetch?: typeof fetch
}

/** An upstream answer the recorder hands to a vendor's ingest function. */
export interface RecordedAnswer {
  /** The vendor's operation id, e.g. `listImageRepositories`. */
  operation: string
  request: MockRequest
  url: URL
  /** Path parameters, percent-decoded. */
  params: Record<string, string>
  /** The request body parsed as JSON, or undefined. */
  requestBody: unknown
  status: number
  /** The answer parsed as JSON (one line of a streamed answer), or undefined. */
  body: unknown
}

/** What the forwarding step may change in a request before it goes upstream. */
export interface ForwardRequest {
  method: string
  /** The URL the caller used (the mock's). */
  original: URL
  /** The upstream URL. */
  target: URL
  /** The headers that go upstream; a vendor may replace some (SWR re-signs). */
  headers: Headers
  bodyText: string
  /** The body's bytes exactly as the caller sent them, which go upstream unchanged. */
  bodyBytes: Uint8Array
  /** This vendor's store in the caller's session (SWR looks up access keys there). */
  store: unknown
  /**
   * Checks the caller's credentials with the vendor's own authenticate, exactly as the mock does
   * when it answers itself; throws the vendor's refusal (an error answer, never forwarded). For
   * an adapter that vouches for the request, as SWR's re-signing does.
   */
  authenticate(): Promise<void>
}

/** The vendor-specific parts of proxying, one per vendor (`handlers/<vendor>/ingest.ts`). */
export interface ProxyAdapter<Store = unknown> {
  /**
   * Maps an upstream answer back to records of the vendor's store: the inverse of its
   * serializers. Later answers update earlier ones; deletes remove.
   */
  ingest?(store: Store, answer: RecordedAnswer): void | Promise<void>
  /** Operations whose answers stream one JSON object per line (validated and recorded per line). */
  streaming?: readonly string[]
  /**
   * The schema an answer (or a streamed line, given as `body`) with this status must match, when
   * it is not the operation's or the error schema.
   */
  responseSchema?(operation: string, status: number, body?: unknown): z.ZodType | undefined
  /**
   * Adjusts the forwarded request (SWR re-signs for the upstream host when it can). A throw is
   * the answer: the request is not forwarded.
   */
  prepareForward?(request: ForwardRequest): void | Promise<void>
}

/** Proxy adapters by vendor name. */
export type ProxyAdapters = Record<string, ProxyAdapter<never>>

/** Where proxied answers go to be recorded. */
export interface RecordSink {
  /** Notes the credentials a request carries, so no recorded value repeats them. */
  noteCredentials(request: MockRequest): void
  /** Records one answer of a vendor; `clock` is the session clock (ms) when it came. */
  ingest(vendor: string, answer: RecordedAnswer, clock: number): Promise<void>
}
