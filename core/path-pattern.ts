/** A compiled OpenAPI path template (`/v1/images/{id}`), matched against absolute URLs. */
export interface PathPattern {
  regexp: RegExp
}

/**
 * Compiles an OpenAPI path template into a RegExp with named groups. A parameter stops at `/` and
 * at the literal character that follows it, so `{name}:set-tags` and `{name}` both work;
 * parameters may still contain `:` when nothing literal follows (RHACS `sha256:…` ids).
 * With no base URL the pattern matches any origin, as a frontend mocking several hosts needs.
 */
export function compilePath(template: string, baseUrl?: string): PathPattern {
  let source = ''
  const tokens = template.split(/(\{[A-Za-z_][A-Za-z0-9_]*\})/)
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i] ?? ''
    const param = /^\{(.+)\}$/.exec(token)?.[1]
    if (param) {
      const following = tokens[i + 1]?.[0]
      const stop = following && following !== '/' ? escapeClass(following) : ''
      source += `(?<${param}>[^/${stop}]+)`
    } else {
      source += escapeRegExp(token)
    }
  }
  return { regexp: new RegExp(`^${originSource(baseUrl)}${source}/?$`) }
}

/** Matches every path under a prefix (`/v1/images…`, `/v1/images/x`, `/v1/images:x`). */
export function compilePrefix(prefix: string, baseUrl?: string): RegExp {
  return new RegExp(`^${originSource(baseUrl)}${escapeRegExp(prefix)}(?:[/:?].*)?$`)
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
