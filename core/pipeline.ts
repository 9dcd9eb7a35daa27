import { type HttpHandler, HttpResponse, http, type JsonBodyType } from 'msw'
import { parseJsonBody, readBodyText } from './body.ts'
import { MockStatusError } from './errors.ts'
import { type FaultRule, redirectResponse } from './faults.ts'
import { BODY_PREVIEW_CHARS } from './journal.ts'
import { compilePath, compilePrefix, type PathPattern } from './path-pattern.ts'
import { createRandom, type Random } from './random.ts'
import type { Session, SessionManager } from './session.ts'
import type { AnyVendor, OperationContext, OperationDefinition } from './vendor.ts'

/** Settings shared by every request of one mock. */
export interface Runtime {
  sessions: SessionManager
  maxBodyBytes: number
  /** A `network: timeout` fault gives up after this long, so abandoned requests cannot leak. */
  timeoutCeilingMs: number
  /** Request ids for failures that happen before a session exists. */
  fallbackIds: Random
}

/** Creates the runtime's fallback id stream. */
export function createFallbackIds(seed: number): Random {
  return createRandom(seed ^ 0x5eed)
}

const MAX_MOCK_DELAY_MS = 300_000
/** Methods whose handlers only read; all others run one at a time per session. */
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS'])

interface Route {
  vendor: AnyVendor
  op: OperationDefinition<unknown>
  pattern: PathPattern
}

/**
 * One msw handler that routes every vendor operation through the pipeline
 * session → body → auth → faults → Prefer/X-Mock-Delay → handler → journal, and answers the
 * vendor's own 404/405 for anything else under a vendor's prefixes. Other requests (the control
 * API, the user's own handlers) fall through.
 * @note One handler rather than one per operation: msw parses cookies and matches the URL for
 * every handler it tries, which made 30 operation handlers cost more than the whole pipeline.
 * Operations stay individually defined and are matched by the same compiled templates, in order:
 * vendors as listed, and within a vendor the most literal template first (`{name}:get-tags`
 * before `{name}`).
 */
export function routingHandler(
  vendors: readonly AnyVendor[],
  runtime: Runtime,
  baseUrls: Record<string, string> = {},
): HttpHandler {
  const routesOf = new Map<AnyVendor, Route[]>(
    vendors.map((vendor) => [
      vendor,
      vendor.operations
        .map((op) => ({ vendor, op, pattern: compilePath(op.path, baseUrls[vendor.name]) }))
        .sort((a, b) => literalLength(b.op.path) - literalLength(a.op.path)),
    ]),
  )
  const routes = [...routesOf.values()].flat()
  const fallbacks = vendors.flatMap((vendor) =>
    vendor.pathPrefixes.map((prefix) => ({
      vendor,
      regexp: compilePrefix(prefix, baseUrls[vendor.name]),
    })),
  )
  return http.all(/.*/, ({ request }) => {
    const url = new URL(request.url)
    const href = `${url.origin}${url.pathname}`
    for (const route of routes) {
      if (route.op.method !== request.method) continue
      const match = route.pattern.regexp.exec(href)
      if (match) {
        const params = decodeParams(match.groups ?? {})
        return runPipeline(route.vendor, route.op, request, url, params, runtime, (ctx) =>
          route.op.handle(ctx),
        )
      }
    }
    const fallback = fallbacks.find((f) => f.regexp.test(href))
    if (!fallback) return undefined
    return unmatched(
      fallback.vendor,
      routesOf.get(fallback.vendor) ?? [],
      request,
      url,
      href,
      runtime,
    )
  })
}

/**
 * Path parameters, percent-decoded, from our own pattern rather than msw's (msw 2 and 3 differ in
 * what they extract from a RegExp path); a badly encoded segment stays as sent, for a vendor 4xx.
 */
function decodeParams(groups: Record<string, string>): Record<string, string> {
  const params: Record<string, string> = {}
  for (const [name, raw] of Object.entries(groups)) {
    try {
      params[name] = decodeURIComponent(raw)
    } catch {
      params[name] = raw
    }
  }
  return params
}

function literalLength(template: string): number {
  return template.replace(/\{[^}]+\}/g, '').length
}

/** The vendor's 405 (with Allow) when another method serves this path, else its 404. */
async function unmatched(
  vendor: AnyVendor,
  routes: readonly Route[],
  request: Request,
  url: URL,
  href: string,
  runtime: Runtime,
): Promise<Response> {
  const allowed = [
    ...new Set(routes.filter((r) => r.pattern.regexp.test(href)).map((r) => r.op.method)),
  ]
  const error =
    allowed.length > 0
      ? new MockStatusError(
          405,
          `Method ${request.method} is not allowed on ${url.pathname}`,
          'method-not-allowed',
        )
      : new MockStatusError(
          404,
          `No ${vendor.title} endpoint at ${request.method} ${url.pathname}`,
          'route-not-found',
        )
  const response = await runPipeline(vendor, undefined, request, url, {}, runtime, () => {
    throw error
  })
  if (allowed.length > 0) response.headers.set('Allow', allowed.join(', '))
  return response
}

async function runPipeline(
  vendor: AnyVendor,
  op: OperationDefinition<unknown> | undefined,
  request: Request,
  url: URL,
  params: Record<string, string>,
  runtime: Runtime,
  handle: (ctx: OperationContext<unknown>) => Response | Promise<Response>,
): Promise<Response> {
  const started = performance.now()
  const operationId = `${vendor.name}.${op?.id ?? 'unmatched'}`
  let session: Session | undefined
  let requestId: string | undefined
  let fault: FaultRule | undefined
  let faultIds = ''
  let network: 'reset' | 'timeout' | null = null
  let bodyText = ''
  let response: Response
  try {
    session = runtime.sessions.forRequest(request)
    await session.ready
    const current = session
    current.clock.tick()
    requestId = vendor.createRequestId(current.requestIds)
    bodyText = await readBodyText(request, runtime.maxBodyBytes)
    const store = current.store(vendor)
    if (op && current.auth && op.auth !== false && vendor.authenticate) {
      await vendor.authenticate({
        request,
        store,
        session: current,
        operation: op,
        url,
        bodyText,
        clock: current.clock,
      })
    }
    const outcome = op
      ? current.faults.evaluate({
          operation: operationId,
          method: request.method,
          path: url.pathname,
        })
      : undefined
    // The journal names the terminal rule, else the first latency rule; the header names all.
    fault = outcome?.rule ?? outcome?.applied[0]
    faultIds = outcome?.applied.map((r) => r.id).join(', ') ?? ''
    const effect = outcome?.rule?.effect
    if (outcome?.delayMs) await sleep(outcome.delayMs, request.signal)
    if (effect?.location !== undefined) {
      response = redirectResponse(effect)
    } else if (effect?.network === 'reset') {
      network = 'reset'
      response = HttpResponse.error()
    } else if (effect?.network === 'timeout') {
      network = 'timeout'
      await sleep(runtime.timeoutCeilingMs, request.signal)
      response = HttpResponse.error()
    } else {
      if (effect?.status !== undefined) {
        throw new MockStatusError(
          effect.status,
          `Injected by fault rule "${fault?.id}"`,
          'injected',
          {
            retryAfter: effect.retryAfter,
            bodyOverride: effect.body,
          },
        )
      }
      if (op) applyPrefer(request, op)
      const mockDelay = parseMockDelay(request)
      if (mockDelay > 0) await sleep(mockDelay, request.signal)
      const context: OperationContext<unknown> = {
        request,
        url,
        params,
        query: url.searchParams,
        store,
        session: current,
        clock: current.clock,
        random: current.random,
        requestId,
        operationId,
        bodyText,
        readJson: async () => parseJsonBody(bodyText),
      }
      response = SAFE_METHODS.has(request.method)
        ? await handle(context)
        : await current.exclusive(() => handle(context))
    }
  } catch (error) {
    requestId ??= vendor.createRequestId(runtime.fallbackIds)
    if (!(error instanceof MockStatusError) && !isVendorError(error)) {
      console.error(`[image-registry-mock] ${operationId} failed unexpectedly:`, error)
    }
    const rendered = vendor.renderError(error, {
      requestId,
      operationId,
      method: request.method,
      path: url.pathname,
    })
    const override = error instanceof MockStatusError ? error.extra.bodyOverride : undefined
    response = HttpResponse.json((override ?? rendered.body) as JsonBodyType, {
      status: rendered.status,
      headers: rendered.headers,
    })
    const retryAfter = error instanceof MockStatusError ? error.extra.retryAfter : undefined
    if (
      (rendered.status === 429 || rendered.status === 503) &&
      !response.headers.has('Retry-After')
    ) {
      response.headers.set('Retry-After', String(retryAfter ?? 1))
    } else if (retryAfter !== undefined) {
      response.headers.set('Retry-After', String(retryAfter))
    }
  }
  if (network === null) {
    response.headers.set(vendor.requestIdHeader, requestId ?? '')
    if (faultIds) response.headers.set('X-Mock-Fault', faultIds)
  }
  session?.journal.record({
    time: session.clock.iso(),
    session: session.name,
    operation: operationId,
    vendor: vendor.name,
    method: request.method,
    path: url.pathname,
    query: queryRecord(url.searchParams),
    requestBody: bodyText === '' ? null : bodyText.slice(0, BODY_PREVIEW_CHARS),
    requestBodyTruncated: bodyText.length > BODY_PREVIEW_CHARS,
    status: network === null ? response.status : 0,
    network,
    durationMs: Math.round((performance.now() - started) * 1000) / 1000,
    requestId: requestId ?? '',
    fault: fault?.id ?? null,
  })
  return response
}

/** Vendor errors are expected outcomes; only truly unexpected throws are logged. */
function isVendorError(error: unknown): boolean {
  return (
    error instanceof Error &&
    'status' in error &&
    typeof (error as { status: unknown }).status === 'number'
  )
}

/** `Prefer: code=NNN` forces an error status with the vendor's body, as Prism does. */
function applyPrefer(request: Request, op: OperationDefinition<unknown>): void {
  const prefer = request.headers.get('prefer')
  if (!prefer) return
  const match = /(?:^|[,;\s])code=([^,;\s]*)/i.exec(prefer)
  if (!match) return
  const code = Number(match[1])
  if (!Number.isInteger(code) || code < 100 || code > 599) {
    throw new MockStatusError(
      400,
      `Prefer: code=${match[1]} is not an HTTP status code`,
      'invalid-prefer',
    )
  }
  if (op.statuses && !op.statuses.includes(code)) {
    throw new MockStatusError(
      400,
      `Prefer: code=${code} is not a status ${op.id} returns; it returns ${op.statuses.join(', ')}`,
      'invalid-prefer',
    )
  }
  if (code >= 400) throw new MockStatusError(code, `Forced by Prefer: code=${code}`, 'injected')
}

function parseMockDelay(request: Request): number {
  const raw = request.headers.get('x-mock-delay')
  if (raw === null) return 0
  const ms = Number(raw)
  if (!Number.isInteger(ms) || ms < 0 || ms > MAX_MOCK_DELAY_MS) {
    throw new MockStatusError(
      400,
      `X-Mock-Delay must be whole milliseconds from 0 to ${MAX_MOCK_DELAY_MS}; got "${raw.slice(0, 40)}"`,
      'invalid-prefer',
    )
  }
  return ms
}

/** Waits `ms`, or less when the client gives up first. */
function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve()
    const timer = setTimeout(done, ms)
    function done() {
      clearTimeout(timer)
      signal.removeEventListener('abort', done)
      resolve()
    }
    signal.addEventListener('abort', done, { once: true })
  })
}

function queryRecord(params: URLSearchParams): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {}
  for (const [key, value] of params) {
    const existing = out[key]
    if (existing === undefined) out[key] = value
    else if (Array.isArray(existing)) existing.push(value)
    else out[key] = [existing, value]
  }
  return out
}
