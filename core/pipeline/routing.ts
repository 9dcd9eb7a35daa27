import { HttpHandler, type HttpRequestParsedResult } from 'msw'
import { collapseEmptySegments, compilePath, compilePrefix } from '../path-pattern.ts'
import type { AnyOperation, AnyVendor } from '../vendor.ts'
import type { Exchange, Runtime } from './exchange.ts'
import { runPipeline } from './index.ts'

interface Route {
  vendor: AnyVendor
  operation: AnyOperation
  operationId: string
  regexp: RegExp
  literal: number
}

interface Territory {
  vendor: AnyVendor
  regexp: RegExp
  literal: number
}

/**
 * One msw handler that routes every vendor operation through the pipeline, and answers the
 * vendor's own 404/405 for anything else under a vendor's path prefixes. It claims only those
 * requests (its msw path is the union of the vendors' prefixes), so msw's unhandled-request
 * guard still sees every other URL and the control API's handlers get theirs.
 * @note One handler rather than one per operation: msw parses cookies and matches the URL for
 * every handler it tries, which made 30 operation handlers cost more than the whole pipeline.
 * Operations stay individually defined; one table across all vendors holds them, the most
 * literal template first (`{name}:get-tags` before `{name}`, Cycle's `/v1/images/sources` before
 * RHACS's `/v1/images/{id}`), so the order vendors are listed in never decides a route.
 */
export function routingHandler(
  vendors: readonly AnyVendor[],
  runtime: Runtime,
  baseUrls: Record<string, string> = {},
): HttpHandler {
  return new VendorRoutingHandler(vendors, runtime, baseUrls)
}

/** What the router decided for a request: the exchange to run, or nothing (not a vendor path). */
type Routed = Exchange | undefined

/**
 * The routing handler as an msw `HttpHandler` whose `run` does only what this mock needs.
 * @note msw's own `run` (2.12+ and 3 alike) clones every request for logging that neither
 * `getResponse`, `setupServer` nor the worker reads from a handler, parses its cookies with
 * tough-cookie (no vendor operation reads cookies), matches the URL once for the claim and again
 * per route, and creates and aborts an `AbortController` whose `DOMException` captures a stack:
 * together about 60-100 µs of a request. This `run` keeps the public contract (`null` when the
 * request is not ours, else `{ handler, request, requestId, response, parsedResult }`, whose
 * `request` is the one given, its body read) and marks the handler used. msw also copies a
 * mocked answer's `Set-Cookie` to `document.cookie` in a browser; no vendor operation sets a
 * cookie, and a browser drops `Set-Cookie` from any `Response` a page builds (a proxied
 * upstream's included), so there is nothing to copy. `parse`/`predicate` agree with `run`, for
 * msw's `handler.test()`.
 */
class VendorRoutingHandler extends HttpHandler {
  readonly #routes: Route[]
  readonly #territories: Territory[]
  readonly #runtime: Runtime

  constructor(vendors: readonly AnyVendor[], runtime: Runtime, baseUrls: Record<string, string>) {
    const routes: Route[] = vendors
      .flatMap((vendor) =>
        vendor.operations.map((operation) => ({
          vendor,
          operation: operation as AnyOperation,
          // Built once here rather than on every request.
          operationId: `${vendor.name}.${operation.id}`,
          regexp: compilePath(operation.path, baseUrls[vendor.name], vendor.routing).regexp,
          literal: literalLength(operation.path),
        })),
      )
      .sort((a, b) => b.literal - a.literal)
    const territories: Territory[] = vendors
      .flatMap((vendor) =>
        vendor.pathPrefixes.map((prefix) => ({
          vendor,
          regexp: compilePrefix(prefix, baseUrls[vendor.name]),
          literal: prefix.length,
        })),
      )
      .sort((a, b) => b.literal - a.literal)
    const claimed = new RegExp(territories.map((t) => `(?:${t.regexp.source})`).join('|'))
    super(/.+/, claimed, ({ request }) => {
      const routed = this.#route(request)
      return routed ? runPipeline(routed) : undefined
    })
    this.#routes = routes
    this.#territories = territories
    this.#runtime = runtime
  }

  override async run(args: {
    request: Request
    requestId: string
  }): ReturnType<HttpHandler['run']> {
    const routed = this.#route(args.request)
    if (!routed) return null
    this.isUsed = true
    const response = await runPipeline(routed)
    return {
      handler: this,
      request: args.request,
      requestId: args.requestId,
      response,
      parsedResult: { match: { matches: true, params: {} }, cookies: {} },
    }
  }

  override async parse(args: { request: Request }): Promise<HttpRequestParsedResult> {
    return { match: { matches: this.#route(args.request) !== undefined, params: {} }, cookies: {} }
  }

  override async predicate(args: { parsedResult: HttpRequestParsedResult }): Promise<boolean> {
    return args.parsedResult.match.matches
  }

  /** The exchange for a request under a vendor's prefixes (routed or not), else undefined. */
  #route(request: Request): Routed {
    const started = performance.now()
    const url = new URL(request.url)
    const href = `${url.origin}${url.pathname}`
    const territory = this.#territories.find((t) => t.regexp.test(href))
    if (!territory) return undefined
    const runtime = this.#runtime
    const redirect = redirectOf(territory, url)
    if (redirect === undefined) {
      for (const route of this.#routes) {
        if (route.operation.method !== request.method) continue
        const match = route.regexp.exec(href)
        if (match) {
          return exchangeOf(started, request, url, runtime, {
            vendor: route.vendor,
            operation: route.operation,
            allowed: [],
            redirect: undefined,
            params: decodeParams(match.groups ?? {}),
            operationId: route.operationId,
          })
        }
      }
    }
    const allowed =
      redirect === undefined
        ? [
            ...new Set(
              this.#routes
                .filter((r) => r.vendor === territory.vendor && r.regexp.test(href))
                .map((r) => r.operation.method),
            ),
          ]
        : []
    return exchangeOf(started, request, url, runtime, {
      vendor: territory.vendor,
      operation: undefined,
      allowed,
      redirect,
      params: {},
      operationId: `${territory.vendor.name}.unmatched`,
    })
  }
}

/**
 * Where a vendor whose front end cleans paths (`emptySegments: 'redirect'`) sends a path with an
 * empty segment: before any route is tried, as Go's ServeMux redirects before grpc-gateway sees it.
 */
function redirectOf(territory: Territory, url: URL): string | undefined {
  if (territory.vendor.routing?.emptySegments !== 'redirect') return undefined
  const collapsed = collapseEmptySegments(url.pathname)
  return collapsed === undefined ? undefined : `${collapsed}${url.search}`
}

/**
 * What every exchange starts with, routed or not: nothing read, no fault, no answer yet. Written
 * out field by field (not spread) so that every exchange has one shape.
 */
function exchangeOf(
  started: number,
  request: Request,
  url: URL,
  runtime: Runtime,
  routed: Pick<
    Exchange,
    'vendor' | 'operation' | 'allowed' | 'redirect' | 'params' | 'operationId'
  >,
): Exchange {
  return {
    vendor: routed.vendor,
    operation: routed.operation,
    allowed: routed.allowed,
    redirect: routed.redirect,
    request,
    url,
    params: routed.params,
    runtime,
    operationId: routed.operationId,
    started,
    session: undefined,
    requestId: undefined,
    bodyText: '',
    principal: undefined,
    faults: [],
    network: null,
    response: undefined,
    forwarded: undefined,
    violations: undefined,
  }
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
