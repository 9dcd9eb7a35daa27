/**
 * A deliberately simple wildcard matcher, the oracle for the production matchers: the textbook
 * recursion over (pattern position, text position), memoised so the property tests stay quick.
 * Tokens: a literal character, `one` (exactly one character) or `any` (any run, empty included).
 */
export type ReferenceToken = { literal: string } | 'one' | 'any'

export function referenceMatch(
  tokens: readonly ReferenceToken[],
  text: string,
  ignoreCase: boolean,
): boolean {
  const chars = [...text]
  const same = (a: string, b: string) =>
    ignoreCase ? a.toLowerCase() === b.toLowerCase() || a === b : a === b
  const memo = new Map<number, boolean>()
  const match = (p: number, t: number): boolean => {
    const key = p * (chars.length + 1) + t
    const known = memo.get(key)
    if (known !== undefined) return known
    let result: boolean
    const token = tokens[p]
    if (token === undefined) result = t === chars.length
    else if (token === 'any') result = match(p + 1, t) || (t < chars.length && match(p, t + 1))
    else if (t === chars.length) result = false
    else if (token === 'one') result = match(p + 1, t + 1)
    else result = same(token.literal, chars[t] as string) && match(p + 1, t + 1)
    memo.set(key, result)
    return result
  }
  return match(0, 0)
}

/** `*` any run, `?` one character, everything else literal. */
export function globReference(glob: string): ReferenceToken[] {
  return [...glob].map((ch) => (ch === '*' ? 'any' : ch === '?' ? 'one' : { literal: ch }))
}

/** `%` any run, `_` one character, `\` makes the next character literal (a trailing one is literal). */
export function likeReference(pattern: string): ReferenceToken[] {
  const chars = [...pattern]
  const tokens: ReferenceToken[] = []
  for (let i = 0; i < chars.length; i++) {
    const ch = chars[i] as string
    if (ch === '\\' && i + 1 < chars.length) tokens.push({ literal: chars[++i] as string })
    else tokens.push(ch === '%' ? 'any' : ch === '_' ? 'one' : { literal: ch })
  }
  return tokens
}
