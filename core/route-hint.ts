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
  const request = segments(relativePath(vendor, pathname))
  const memo = new Map<string, number>()
  let best: { cost: number; otherMethod: boolean; label: string } | undefined
  for (const operation of vendor.operations) {
    const cost = pathCost(request, operation.path.split('/').filter(Boolean), memo)
    const otherMethod = operation.method !== method.toUpperCase()
    if (
      best === undefined ||
      cost < best.cost ||
      (cost === best.cost && best.otherMethod && !otherMethod)
    ) {
      const label = `${operation.method} ${operation.path} (${vendor.name}.${operation.id})`
      best = { cost, otherMethod, label }
    }
  }
  return best && `did you mean ${best.label}?`
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
