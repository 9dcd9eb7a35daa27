import { editDistance } from './suggest.ts'
import type { AnyVendor } from './vendor.ts'

/** Request path segments compared at most; no operation of any vendor has more. */
const MAX_SEGMENTS = 12
/** Characters of a request segment compared at most: enough to tell a typo of any literal. */
const MAX_SEGMENT_CHARS = 32

/**
 * "did you mean GET /api/v2/databases/{database}/schemas/{schema}/image-repositories
 * (snowflake.listImageRepositories)?": the vendor's operation nearest to a request that no route
 * serves, for the `X-Mock-Hint` header and the journal's `hint`. Nearest first by path: an edit
 * distance over segments (a `{param}` matches any segment; a literal that differs costs its
 * character edit distance over its length, at most 1; a missing or extra segment 1), then by
 * method (the request's own first), then in the vendor's order of operations. Compares at most
 * {@link MAX_SEGMENTS} segments of {@link MAX_SEGMENT_CHARS} characters, so the cost does not
 * grow with the caller's path. `pathname` is the URL's, after any base URL path: it is cut at
 * the first of the vendor's path prefixes. Undefined for a vendor without operations.
 */
export function routeHint(vendor: AnyVendor, method: string, pathname: string): string | undefined {
  const best = nearestOperation(vendor, method, pathname)
  return best && `did you mean ${best.label}?`
}

/**
 * The vendor whose operation is nearest to a request (as {@link routeHint} ranks them, ties to
 * the earlier vendor): whose 404 answers a request that is only a typo of some vendor's prefix.
 */
export function nearestVendor(
  vendors: readonly AnyVendor[],
  method: string,
  pathname: string,
): AnyVendor | undefined {
  let best: { vendor: AnyVendor; cost: number; otherMethod: boolean } | undefined
  for (const vendor of vendors) {
    const near = nearestOperation(vendor, method, pathname)
    if (near && (best === undefined || isNearer(near, best))) best = { vendor, ...near }
  }
  return best?.vendor
}

/** Summed segment cost (see {@link routeHint}) up to which a path's head is a typo of a prefix. */
const PREFIX_TYPO = 1 / 3

/**
 * Whether `path` (after any base URL path) starts with a typo of the vendor prefix `prefix`:
 * its first segments, as many as the prefix has, cost at most {@link PREFIX_TYPO} against the
 * prefix's (`/api/v2/databasez` or `/api/v2/database` for `/api/v2/databases`, `/v1/imagez` for
 * `/v1/images`; not `/api/v3/images` nor `/v1/users`). Such a request is the mock's to answer
 * with a hint, not another API's.
 */
export function isPrefixTypo(path: string, prefix: string): boolean {
  const template = prefix.split('/').filter(Boolean)
  const request = segments(path).slice(0, template.length)
  return pathCost(request, template, new Map()) <= PREFIX_TYPO
}

interface Nearest {
  cost: number
  otherMethod: boolean
  label: string
}

function isNearer(a: Omit<Nearest, 'label'>, b: Omit<Nearest, 'label'>): boolean {
  return a.cost < b.cost || (a.cost === b.cost && b.otherMethod && !a.otherMethod)
}

function nearestOperation(
  vendor: AnyVendor,
  method: string,
  pathname: string,
): Nearest | undefined {
  const request = segments(relativePath(vendor, pathname))
  const memo = new Map<string, number>()
  let best: Nearest | undefined
  for (const operation of vendor.operations) {
    const cost = pathCost(request, operation.path.split('/').filter(Boolean), memo)
    const otherMethod = operation.method !== method.toUpperCase()
    if (best === undefined || isNearer({ cost, otherMethod }, best)) {
      const label = `${operation.method} ${operation.path} (${vendor.name}.${operation.id})`
      best = { cost, otherMethod, label }
    }
  }
  return best
}

/** The path from the first of the vendor's prefixes on (a base URL may put a path before it). */
function relativePath(vendor: AnyVendor, pathname: string): string {
  const head = pathname.slice(0, MAX_SEGMENTS * (MAX_SEGMENT_CHARS + 1) * 2)
  const starts = vendor.pathPrefixes.map((p) => head.indexOf(p)).filter((at) => at >= 0)
  return starts.length > 0 ? head.slice(Math.min(...starts)) : head
}

/** The first {@link MAX_SEGMENTS} non-empty segments, each cut at {@link MAX_SEGMENT_CHARS}. */
function segments(path: string): string[] {
  return path
    .split('/')
    .filter(Boolean)
    .slice(0, MAX_SEGMENTS)
    .map((s) => s.slice(0, MAX_SEGMENT_CHARS))
}

/** Edit distance between the request's segments and a template's, segment by segment. */
function pathCost(request: string[], template: string[], memo: Map<string, number>): number {
  return editDistance(request, template, (segment, literal) => segmentCost(segment, literal, memo))
}

/**
 * 0 when the segment fits the template's (`{id}` fits any; `{name}:get-tags` any ending in
 * `:get-tags`), else the character edit distance of the literal parts over the longer length.
 */
function segmentCost(segment: string, template: string, memo: Map<string, number>): number {
  if (segment === template) return 0
  const literal = template.replace(/\{[^}]*\}/g, '')
  if (literal.length < template.length) {
    const [before = '', after = ''] = template.split(/\{[^}]*\}/)
    if (segment.startsWith(before) && segment.endsWith(after)) return 0
  }
  const key = `${segment}\0${literal}`
  let cost = memo.get(key)
  if (cost === undefined) {
    cost = editDistance(segment, literal) / Math.max(segment.length, literal.length, 1)
    memo.set(key, cost)
  }
  return cost
}
