/** A compiled OpenAPI path template (`/v1/images/{id}`), matched against absolute URLs. */
export interface PathPattern {
  regexp: RegExp
}

/**
 * How a vendor's front end matches request paths against its routes.
 * - `trailingSlash`: `fold` routes `/x/` as `/x`; `strict` keeps the slash as an empty last
 *   segment, as grpc-gateway does (`/v1/imagescount/` is no route; `/v1/images/` is
 *   `/v1/images/{id}` with an empty id).
 * - `emptySegments` (`//` inside a path): `unrouted` answers the vendor's 404; `redirect` answers
 *   301 to the path with the slashes collapsed, as Go's `net/http.ServeMux` does in front of
 *   grpc-gateway.
 */
export interface PathRouting {
  trailingSlash: 'fold' | 'strict'
  emptySegments: 'unrouted' | 'redirect'
  /**
   * `true` where `{name}:verb` is a custom method (Snowflake's `:undrop`, `:clone`): a parameter
   * never takes a `:`, so an unserved verb is the vendor's 404 instead of a parameter value.
   */
  customMethods?: boolean
}

/** Today's routing, for vendors whose front end is not known to differ. */
export const FOLDING_ROUTING: PathRouting = { trailingSlash: 'fold', emptySegments: 'unrouted' }

/**
 * Compiles an OpenAPI path template into a RegExp with named groups. A parameter stops at `/` and
 * at the literal character that follows it, so `{name}:set-tags` and `{name}` both work;
 * parameters may still contain `:` when nothing literal follows (RHACS `sha256:…` ids).
 * With no base URL the pattern matches any origin, as a frontend mocking several hosts needs.
 * `routing.trailingSlash` decides whether `/x/` matches `/x`; under `strict` a parameter is one
 * segment that may be empty (grpc-gateway binds `/v1/images/` to `{id}` = "").
 */
export function compilePath(
  template: string,
  baseUrl?: string,
  routing: PathRouting = FOLDING_ROUTING,
): PathPattern {
  const strict = routing.trailingSlash === 'strict'
  let source = ''
  const tokens = template.split(/(\{[A-Za-z_][A-Za-z0-9_]*\})/)
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i] ?? ''
    const param = /^\{(.+)\}$/.exec(token)?.[1]
    if (param) {
      const following = tokens[i + 1]?.[0]
      const stop =
        (following && following !== '/' ? escapeClass(following) : '') +
        (routing.customMethods ? ':' : '')
      source += `(?<${param}>[^/${stop}]${strict ? '*' : '+'})`
    } else {
      source += escapeRegExp(token)
    }
  }
  return { regexp: new RegExp(`^${originSource(baseUrl)}${source}${strict ? '' : '/?'}$`) }
}

/**
 * Matches every path under a prefix (`/v1/images…`, `/v1/images/x`, `/v1/images:x`). The prefix's
 * own slashes may be doubled too (`/v1//images`), so such a request reaches the vendor's answer
 * to empty segments (its 404, or a redirect) rather than no vendor at all.
 */
export function compilePrefix(prefix: string, baseUrl?: string): RegExp {
  const source = escapeRegExp(prefix).replaceAll('\\/', '\\/+')
  return new RegExp(`^${originSource(baseUrl)}${source}(?:[/:?].*)?$`)
}

/**
 * The path with every run of slashes collapsed, when it has an empty segment (`//`); else
 * undefined. Go's `path.Clean` also drops `.` and `..`, which URL parsing has already resolved.
 */
export function collapseEmptySegments(pathname: string): string | undefined {
  return pathname.includes('//') ? pathname.replace(/\/{2,}/g, '/') : undefined
}

/** The URL origin part of a pattern: the base URL exactly, or any origin. */
function originSource(baseUrl?: string): string {
  return baseUrl ? escapeRegExp(baseUrl.replace(/\/+$/, '')) : '[a-zA-Z][a-zA-Z0-9+.-]*://[^/]+'
}

function escapeRegExp(text: string): string {
  return text.replace(/[\\^$.*+?()[\]{}|/]/g, '\\$&')
}

function escapeClass(ch: string): string {
  return ch.replace(/[\\\]^-]/g, '\\$&')
}
