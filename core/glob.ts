/**
 * Matches `*` (any run of characters) and `?` (one character); everything else is literal.
 * Operation ids match case-insensitively; paths are case-sensitive, as URLs are.
 */
export function compileGlob(glob: string, { ignoreCase = true } = {}): RegExp {
  let source = '^'
  for (const ch of glob) {
    if (ch === '*') source += '.*'
    else if (ch === '?') source += '.'
    else source += ch.replace(/[\\^$.|+()[\]{}]/g, '\\$&')
  }
  return new RegExp(`${source}$`, ignoreCase ? 'i' : '')
}

/** Why a glob is unusable, or undefined when it is fine. */
export function globProblem(glob: string): string | undefined {
  if (glob.length === 0) return 'is empty'
  if (glob.length > 256) return 'is longer than 256 characters'
  // biome-ignore lint/suspicious/noControlCharactersInRegex: rejecting control characters is the point
  if (/[\u0000-\u001f\u007f]/.test(glob)) return 'contains control characters'
  return undefined
}
