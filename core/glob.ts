import { compileWildcard, type TextMatcher, type WildcardToken } from './wildcard.ts'

/**
 * Compiles a glob: `*` matches any run of characters (empty included), `?` exactly one; every
 * other character is literal. Operation ids match case-insensitively; paths are case-sensitive,
 * as URLs are. Matching takes at most O(n·m) for a text of n and a glob of m characters (O(n + m)
 * without `?`), never backtracking; see {@link compileWildcard}.
 */
export function compileGlob(glob: string, { ignoreCase = true } = {}): TextMatcher {
  return compileWildcard(globTokens(glob), { ignoreCase })
}

function* globTokens(glob: string): Generator<WildcardToken> {
  for (const ch of glob) yield ch === '*' ? 'any' : ch === '?' ? 'one' : { literal: ch }
}

/** Why a glob is unusable, or undefined when it is fine. */
export function globProblem(glob: string): string | undefined {
  if (glob.length === 0) return 'is empty'
  if (glob.length > 256) return 'is longer than 256 characters'
  // biome-ignore lint/suspicious/noControlCharactersInRegex: rejecting control characters is the point
  if (/[\u0000-\u001f\u007f]/.test(glob)) return 'contains control characters'
  return undefined
}
