import { HttpHandler, type HttpRequestParsedResult } from 'msw'
import { type Answer, toResponse } from '../answer.ts'
import { EMPTY_BODY, fetchRequestInput } from '../body.ts'
import { collapseEmptySegments, compilePath, compilePrefix } from '../path-pattern.ts'
import type { MockRequest } from '../request-input.ts'
import { isPrefixTypo, nearestVendor } from '../route-hint.ts'
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
 * vendor's own 404/405 for anything else under a vendor's path prefixes or a typo of one. It
 * claims only those requests (its msw path is the union of the vendors' prefixes), so msw's
 * unhandled-request guard still sees every other URL and the control API's handlers get theirs.
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

/**
 * The vendors' router behind a handler {@link routingHandler} made, for a transport that runs the
 * pipeline without msw (the standalone server); undefined for any other handler.
 */
export function vendorRouterOf(handler: HttpHandler | undefined): VendorRouter | undefined {
  return handler instanceof VendorRoutingHandler ? handler : undefined
}

/** The routing handler's table, for a transport that runs the pipeline without msw. */
export interface VendorRouter {
  /**
   * Runs a request under a vendor's prefixes (or a typo of one) through the pipeline, exactly as
   * the msw handler does; undefined, with nothing read, for any other URL (`url` is the request's
   * URL parsed, which the caller has at hand).
   */
  serve(request: MockRequest, url: URL): Promise<Answer> | undefined
}

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
 * msw's `handler.test()`; msw never calls the resolver given to `super`.
 */
class VendorRoutingHandler extends HttpHandler implements VendorRouter {
  /** Every route, most literal first (for a 405's `Allow`). */
  readonly #routes: Route[]
  /** The same routes by method, so a request tests only its own method's templates. */
  readonly #routesByMethod = new Map<string, Route[]>()
  readonly #territories: Territory[]
  readonly #runtime: Runtime
  readonly #vendors: readonly AnyVendor[]
  readonly #baseUrls: Record<string, string>

  constructor(vendors: readonly AnyVendor[], runtime: Runtime, baseUrls: Record<string, string>) {
    const territories: Territory[] = vendors
      .flatMap((vendor) =>
        vendor.pathPrefixes.map((prefix) => ({
          vendor,
          regexp: compilePrefix(prefix, baseUrls[vendor.name]),
          literal: prefix.length,
        })),
      )
      .sort((a, b) => b.literal - a.literal)
    // The claim is msw's `info.path`, shown in its messages; matching is `#route`'s.
    const claimed = new RegExp(territories.map((t) => `(?:${t.regexp.source})`).join('|'))
    super(/.+/, claimed, () => undefined)
    this.#territories = territories
    this.#runtime = runtime
    this.#vendors = vendors
    this.#baseUrls = baseUrls
    this.#routes = vendors
      .flatMap((vendor) =>
        vendor.operations.map((operation) => ({
          vendor,
          operation: operation as AnyOperation,
          operationId: `${vendor.name}.${operation.id}`,
          regexp: compilePath(operation.path, baseUrls[vendor.name], vendor.routing).regexp,
          literal: literalLength(operation.path),
        })),
      )
      .sort((a, b) => b.literal - a.literal)
    for (const route of this.#routes) {
      const method = route.operation.method
      this.#routesByMethod.set(method, [...(this.#routesByMethod.get(method) ?? []), route])
    }
  }

  override async run(args: {
    request: Request
    requestId: string
  }): ReturnType<HttpHandler['run']> {
    const exchange = this.#route(fetchRequestInput(args.request), new URL(args.request.url))
    if (!exchange) return null
    this.isUsed = true
    const response = toResponse(await runPipeline(exchange))
    return {
      handler: this,
      request: args.request,
      requestId: args.requestId,
      response,
      parsedResult: { match: { matches: true, params: {} }, cookies: {} },
    }
  }

  override async parse(args: { request: Request }): Promise<HttpRequestParsedResult> {
    const url = new URL(args.request.url)
    const routed = this.#route(fetchRequestInput(args.request), url) !== undefined
    return { match: { matches: routed, params: {} }, cookies: {} }
  }

  serve(request: MockRequest, url: URL): Promise<Answer> | undefined {
    const exchange = this.#route(request, url)
    if (!exchange) return undefined
    this.isUsed = true
    return runPipeline(exchange)
  }

  override async predicate(args: { parsedResult: HttpRequestParsedResult }): Promise<boolean> {
    return args.parsedResult.match.matches
  }

  /**
   * The exchange for a request under a vendor's prefixes: routed to its operation, or unrouted
   * (the vendor's redirect, 405 or 404 comes later); undefined for any other URL. Written out
   * field by field, so that every exchange has one shape.
   */
  #route(request: MockRequest, url: URL): Exchange | undefined {
    const started = performance.now()
    const href = `${url.origin}${url.pathname}`
    const territory = this.#territories.find((t) => t.regexp.test(href))
    const vendor = territory?.vendor ?? this.#typoOf(request.method, url, href)
    if (!vendor) return undefined
    const redirect = territory && redirectOf(territory, url)
    let route: Route | undefined
    let match: RegExpExecArray | null = null
    if (territory && redirect === undefined) {
      for (const candidate of this.#routesByMethod.get(request.method) ?? []) {
        match = candidate.regexp.exec(href)
        if (match) {
          route = candidate
          break
        }
      }
    }
    return {
      vendor: route?.vendor ?? vendor,
      operation: route?.operation,
      allowed: !territory || route || redirect !== undefined ? [] : this.#allowed(territory, href),
      redirect,
      request,
      url,
      params: match ? decodeParams(match.groups ?? {}) : {},
      runtime: this.#runtime,
      operationId: route?.operationId ?? `${vendor.name}.unmatched`,
      started,
      session: undefined,
      requestId: undefined,
      bodyText: '',
      bodyBytes: EMPTY_BODY,
      principal: undefined,
      faults: [],
      network: null,
      response: undefined,
      delayMs: undefined,
      afterCommit: undefined,
      committed: false,
      abandoned: false,
      forwarded: undefined,
      violations: undefined,
    }
  }

  /**
   * For a request outside every prefix whose path starts with a typo of one (`/api/v2/databasez`,
   * `/v1/imagez`, on the vendor's base URL when it has one): the vendor with the nearest
   * operation, whose 404 answers it with a hint. Undefined for any other URL, which stays msw's
   * unhandled request.
   */
  #typoOf(method: string, url: URL, href: string): AnyVendor | undefined {
    const near = this.#vendors.filter((vendor) => {
      const root = this.#baseUrls[vendor.name]?.replace(/\/+$/, '')
      if (root !== undefined && !href.startsWith(`${root}/`)) return false
      const path = root === undefined ? url.pathname : href.slice(root.length)
      return vendor.pathPrefixes.some((prefix) => isPrefixTypo(path, prefix))
    })
    return near.length > 0 ? nearestVendor(this.#vendors, method, url.pathname) : undefined
  }

  /** The methods the territory's vendor serves at this path (for the 405's `Allow`). */
  #allowed(territory: Territory, href: string): string[] {
    return [
      ...new Set(
        this.#routes
          .filter((r) => r.vendor === territory.vendor && r.regexp.test(href))
          .map((r) => r.operation.method),
      ),
    ]
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
 * Path parameters, percent-decoded, from our own pattern rather than msw's (msw 2 and 3 differ in
 * what they extract from a RegExp path); a badly encoded segment stays as sent, for a vendor 4xx.
 */
function decodeParams(groups: Record<string, string>): Record<string, string> {
  const params: Record<string, string> = {}
  for (const [name, raw] of Object.entries(groups)) {
    // Most segments have nothing to decode: skip the try (and decodeURIComponent's copy).
    if (!raw.includes('%')) {
      params[name] = raw
      continue
    }
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
