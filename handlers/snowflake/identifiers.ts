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

/** Compiles a SQL LIKE pattern (`%`, `_`, `\` escape) into a case-insensitive RegExp. */
export function compileLike(pattern: string): RegExp {
  let source = '^'
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i] as string
    if (ch === '\\' && i + 1 < pattern.length) {
      source += escapeRegExp(pattern[++i] as string)
    } else if (ch === '%') source += '[\\s\\S]*'
    else if (ch === '_') source += '[\\s\\S]'
    else source += escapeRegExp(ch)
  }
  return new RegExp(`${source}$`, 'i')
}

function escapeRegExp(text: string): string {
  return text.replace(/[\\^$.*+?()[\]{}|/]/g, '\\$&')
}
