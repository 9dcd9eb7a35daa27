/**
 * A whole number written in decimal digits only, or undefined. `Number()` alone also reads `""`
 * and `" "` as 0 and `1e2`, `0x1F4` or `1.0` as numbers, which no caller of a query parameter,
 * header or flag means.
 */
export function parseWholeNumber(text: string): number | undefined {
  if (!/^\d{1,15}$/.test(text)) return undefined
  return Number(text)
}
