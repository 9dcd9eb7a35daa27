/**
 * "Did you mean": the candidate nearest to a misspelt word by edit distance (Levenshtein,
 * case-insensitive), when it is plausibly a typo of it: at most 2 edits, or a quarter of the word.
 * Costs `word.length × candidate.length` per candidate, so callers bound the word first.
 */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined
  let bestDistance = Number.POSITIVE_INFINITY
  const lower = word.toLowerCase()
  for (const candidate of candidates) {
    const distance = editDistance(lower, candidate.toLowerCase())
    if (distance < bestDistance) {
      best = candidate
      bestDistance = distance
    }
  }
  return bestDistance <= Math.max(2, Math.floor(word.length / 4)) ? best : undefined
}

/**
 * Insertions, deletions and substitutions that turn `a` into `b`, two rows at a time: each
 * insertion or deletion costs 1, a substitution what `substitution` says (default: 0 for equal
 * items, else 1). Works on the characters of strings or on any sequence (route-hint.ts compares
 * path segments with it).
 */
export function editDistance<T>(
  a: ArrayLike<T>,
  b: ArrayLike<T>,
  substitution: (x: T, y: T) => number = (x, y) => (x === y ? 0 : 1),
): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i)
  for (let i = 1; i <= a.length; i++) {
    const row = [i]
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min(
        (previous[j] as number) + 1,
        (row[j - 1] as number) + 1,
        (previous[j - 1] as number) + substitution(a[i - 1] as T, b[j - 1] as T),
      )
    }
    previous = row
  }
  return previous[b.length] as number
}
