import { compileWildcard, type TextMatcher, type WildcardToken } from '../../core/wildcard.ts'
import { SNOWFLAKE_CODES, SnowflakeError } from './errors.ts'

const UNQUOTED = /^[A-Za-z_][A-Za-z0-9_$]*$/
const QUOTED = /^"((?:[^"]|"")+)"$/
const MAX_IDENTIFIER_LENGTH = 255

/**
 * Resolves a Snowflake identifier as the server does: unquoted names are case-insensitive and
 * stored in upper case; double-quoted names keep their case (`""` is a literal quote).
 * Anything else is a 400 syntax error.
 */
export function resolveIdentifier(raw: string, what = 'identifier'): string {
  if (UNQUOTED.test(raw) && raw.length <= MAX_IDENTIFIER_LENGTH) return raw.toUpperCase()
  const quoted = QUOTED.exec(raw)?.[1]
  if (quoted !== undefined) {
    const inner = quoted.replaceAll('""', '"')
    if (inner.length <= MAX_IDENTIFIER_LENGTH) return inner
  }
  const shown = raw.length > 80 ? `${raw.slice(0, 80)}…` : raw
  const why =
    raw.length > MAX_IDENTIFIER_LENGTH
      ? `is longer than ${MAX_IDENTIFIER_LENGTH} characters`
      : 'must start with a letter or underscore and contain only letters, digits, _ and $, or be enclosed in double quotes'
  throw new SnowflakeError(
    400,
    SNOWFLAKE_CODES.syntaxError,
    `SQL compilation error:\ninvalid ${what} '${shown}': an identifier ${why}.`,
  )
}

/** How a resolved name is written back: bare when that reads back the same, quoted otherwise. */
export function displayIdentifier(resolved: string): string {
  return /^[A-Z_][A-Z0-9_$]*$/.test(resolved) ? resolved : `"${resolved.replaceAll('"', '""')}"`
}

/**
 * Compiles a SQL LIKE pattern as `SHOW … LIKE '<pattern>'` reads it: `%` matches any run of
 * characters (empty included), `_` exactly one, `\` makes the next character literal (a trailing
 * `\` is itself literal); case-insensitive. `test(name)` says whether a whole name matches.
 * Matching never backtracks: at most O(n·m) for a name of n and a pattern of m characters, O(n + m)
 * without `_` (see {@link compileWildcard}).
 */
export function compileLike(pattern: string): TextMatcher {
  return compileWildcard(likeTokens(pattern), { ignoreCase: true })
}

function* likeTokens(pattern: string): Generator<WildcardToken> {
  const chars = [...pattern]
  for (let i = 0; i < chars.length; i++) {
    const ch = chars[i] as string
    if (ch === '\\' && i + 1 < chars.length) yield { literal: chars[++i] as string }
    else if (ch === '%') yield 'any'
    else if (ch === '_') yield 'one'
    else yield { literal: ch }
  }
}
