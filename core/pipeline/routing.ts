import { type HttpHandler, http } from 'msw'
import { collapseEmptySegments, compilePath, compilePrefix } from '../path-pattern.ts'
import type { AnyOperation, AnyVendor } from '../vendor.ts'
import type { Runtime } from './exchange.ts'
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

  return http.all(claimed, ({ request }) => {
    const started = performance.now()
    const url = new URL(request.url)
    const href = `${url.origin}${url.pathname}`
    const redirect = redirectOf(territories, href, url)
    for (const route of redirect ? [] : routes) {
      if (route.operation.method !== request.method) continue
      const match = route.regexp.exec(href)
      if (match) {
        return runPipeline({
          ...fresh(started, request, url, runtime),
          vendor: route.vendor,
          operation: route.operation,
          allowed: [],
          params: decodeParams(match.groups ?? {}),
          operationId: route.operationId,
        })
      }
    }
    const territory = territories.find((t) => t.regexp.test(href))
    if (!territory) return undefined
    const allowed = [
      ...new Set(
        routes
          .filter((r) => r.vendor === territory.vendor && r.regexp.test(href))
          .map((r) => r.operation.method),
      ),
    ]
    return runPipeline({
      ...fresh(started, request, url, runtime),
      vendor: territory.vendor,
      operation: undefined,
      allowed: redirect ? [] : allowed,
      redirect,
      params: {},
      operationId: `${territory.vendor.name}.unmatched`,
    })
  })
}

/**
 * Where a vendor whose front end cleans paths (`emptySegments: 'redirect'`) sends a path with an
 * empty segment: before any route is tried, as Go's ServeMux redirects before grpc-gateway sees it.
 */
function redirectOf(territories: Territory[], href: string, url: URL): string | undefined {
  const collapsed = collapseEmptySegments(url.pathname)
  if (collapsed === undefined) return undefined
  const territory = territories.find((t) => t.regexp.test(href))
  if (territory?.vendor.routing?.emptySegments !== 'redirect') return undefined
  return `${collapsed}${url.search}`
}

/** What every exchange starts with, routed or not: nothing read, no fault, no answer yet. */
function fresh(started: number, request: Request, url: URL, runtime: Runtime) {
  return { started, request, url, runtime, bodyText: '', faults: [], network: null }
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
