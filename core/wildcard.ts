/**
 * Wildcard patterns (globs, SQL LIKE) matched without regular expressions, so that a pattern a
 * caller sends can never make the matcher backtrack: a JavaScript RegExp built from `%%%%…a` or
 * `*.*.*…` takes time exponential in the number of wildcards, and it blocks every session.
 */

/** A compiled pattern; `test` says whether a whole text matches it. */
export interface TextMatcher {
  test(text: string): boolean
}

/**
 * One element of a wildcard pattern: a literal character (one code point), `one` (exactly one
 * character: glob `?`, LIKE `_`) or `any` (any run of characters, empty included: glob `*`,
 * LIKE `%`).
 */
export type WildcardToken = { literal: string } | 'one' | 'any'

/** Matches any single character inside a segment. */
const ONE = -1

/**
 * Compiles wildcard tokens into a matcher of whole texts. Characters are code points; with
 * `ignoreCase` each is compared by its lower-case form (when that is one code point, else as is).
 *
 * The pattern is split at its `any` tokens into segments. The first segment must match at the
 * start, the last at the end, and the ones between are found left to right, each at its leftmost
 * place after the previous one (leftmost is always safe: it leaves the most text to the rest).
 *
 * Cost, for a text of n characters and a pattern of m tokens: O(m) to compile; O(n + m) to test
 * when no segment between two `any` holds a `one` (those segments are found with Knuth-Morris-Pratt,
 * which never moves back in the text), and O(n·⌈m/32⌉) otherwise (Shift-And, 32 pattern positions
 * per machine word; a 256-character glob is 8 words per text character). There is no
 * backtracking, within or across segments.
 */
export function compileWildcard(
  tokens: Iterable<WildcardToken>,
  { ignoreCase }: { ignoreCase: boolean },
): TextMatcher {
  const segments: number[][] = [[]]
  for (const token of tokens) {
    if (token === 'any') segments.push([])
    else if (token === 'one') segments.at(-1)?.push(ONE)
    else segments.at(-1)?.push(fold(token.literal.codePointAt(0) ?? 0, ignoreCase))
  }
  const head = segments[0] as number[]
  if (segments.length === 1) {
    return {
      test(text) {
        const length = codePoints(text, ignoreCase)
        return length === head.length && matchesAt(head, scratch, 0)
      },
    }
  }
  const tail = segments.at(-1) as number[]
  // Empty segments come from `**` or `%%`: they match anywhere, so they need no search.
  const middle = segments
    .slice(1, -1)
    .filter((segment) => segment.length > 0)
    .map(compileSegment)
  return {
    test(text) {
      const end = codePoints(text, ignoreCase) - tail.length
      if (end < head.length) return false
      if (!matchesAt(head, scratch, 0) || !matchesAt(tail, scratch, end)) return false
      let from = head.length
      for (const segment of middle) {
        const at = segment.find(scratch, from, end)
        if (at === -1) return false
        from = at + segment.length
      }
      return true
    },
  }
}

interface Segment {
  length: number
  /** The leftmost index in [from, end - length] where the segment matches, or -1. */
  find(units: Int32Array, from: number, end: number): number
}

function compileSegment(atoms: number[]): Segment {
  const { length } = atoms
  if (atoms.includes(ONE)) return shiftAndSegment(atoms)
  // Knuth-Morris-Pratt: failure[i] is the length of the longest proper border of atoms[0..i].
  const failure = new Int32Array(length)
  for (let i = 1, k = 0; i < length; i++) {
    while (k > 0 && atoms[i] !== atoms[k]) k = failure[k - 1] as number
    if (atoms[i] === atoms[k]) k++
    failure[i] = k
  }
  return {
    length,
    find(units, from, end) {
      for (let i = from, k = 0; i < end; i++) {
        while (k > 0 && units[i] !== atoms[k]) k = failure[k - 1] as number
        if (units[i] === atoms[k]) k++
        if (k === length) return i - length + 1
      }
      return -1
    },
  }
}

/**
 * A segment holding `one` atoms, found with Shift-And (Baeza-Yates and Gonnet): bit i of the state
 * says whether the segment's first i + 1 atoms match the text just read, so each text character
 * costs one shift and mask per 32 atoms, and the text is read once, left to right. Comparing the
 * segment at each place instead costs O(n·m): a thousand fault rules `*a?a?…b*` took 3.5 s per
 * request on a 16 KB path.
 */
function shiftAndSegment(atoms: number[]): Segment {
  const { length } = atoms
  const words = Math.ceil(length / 32)
  /** The bits of the `one` atoms: the mask of a character the segment does not name. */
  const anyMask = new Uint32Array(words)
  atoms.forEach((atom, i) => {
    if (atom === ONE) anyMask[i >>> 5] = (anyMask[i >>> 5] as number) | (1 << (i & 31))
  })
  // Masks of ASCII characters in one flat table (the common case), of others in a map.
  const ascii = new Uint32Array(128 * words)
  for (let c = 0; c < 128; c++) ascii.set(anyMask, c * words)
  const other = new Map<number, Uint32Array>()
  atoms.forEach((atom, i) => {
    if (atom === ONE) return
    const word = i >>> 5
    const bit = 1 << (i & 31)
    if (atom < 128) {
      ascii[atom * words + word] = (ascii[atom * words + word] as number) | bit
      return
    }
    let mask = other.get(atom)
    if (!mask) {
      mask = anyMask.slice()
      other.set(atom, mask)
    }
    mask[word] = (mask[word] as number) | bit
  })
  const state = new Uint32Array(words)
  const lastWord = words - 1
  const lastBit = 1 << ((length - 1) & 31)
  return {
    length,
    find(units, from, end) {
      state.fill(0)
      for (let i = from; i < end; i++) {
        const unit = units[i] as number
        let mask: Uint32Array = anyMask
        let offset = 0
        if (unit < 128) {
          mask = ascii
          offset = unit * words
        } else {
          mask = other.get(unit) ?? anyMask
        }
        let carry = 1
        for (let w = 0; w < words; w++) {
          const previous = state[w] as number
          state[w] = ((previous << 1) | carry) & (mask[offset + w] as number)
          carry = previous >>> 31
        }
        if ((state[lastWord] as number) & lastBit) return i - length + 1
      }
      return -1
    },
  }
}

function matchesAt(atoms: number[], units: Int32Array, at: number): boolean {
  for (let i = 0; i < atoms.length; i++) {
    const atom = atoms[i] as number
    if (atom !== ONE && atom !== units[at + i]) return false
  }
  return true
}

/**
 * The text's code points, folded, in one buffer every test shares: a test runs synchronously to
 * the end, so no two use it at once, and a list filter tests thousands of names without
 * allocating an array per name.
 */
let scratch = new Int32Array(256)

/**
 * The text `scratch` holds now, and how, so that testing one text against many patterns folds it
 * once. Three variables rather than an object: a list filter calls this for every name.
 */
let heldText: string | undefined
let heldIgnoreCase = false
let heldLength = 0

/** Writes the text's (folded) code points to `scratch`; returns how many there are. */
function codePoints(text: string, ignoreCase: boolean): number {
  if (text === heldText && ignoreCase === heldIgnoreCase) return heldLength
  if (scratch.length < text.length)
    scratch = new Int32Array(Math.max(text.length, 2 * scratch.length))
  const units = scratch
  let n = 0
  for (let i = 0; i < text.length; i++) {
    const cp = text.codePointAt(i) as number
    if (cp > 0xffff) i++
    units[n++] = fold(cp, ignoreCase)
  }
  heldText = text
  heldIgnoreCase = ignoreCase
  heldLength = n
  return n
}

function fold(cp: number, ignoreCase: boolean): number {
  if (!ignoreCase) return cp
  if (cp < 0x80) return cp >= 0x41 && cp <= 0x5a ? cp + 0x20 : cp
  const lower = String.fromCodePoint(cp).toLowerCase()
  const folded = lower.codePointAt(0) as number
  // 'İ' lower-cases to two code points; such characters are compared as they are.
  return lower.length === String.fromCodePoint(folded).length ? folded : cp
}
