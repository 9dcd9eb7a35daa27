import { REDACTED } from './redact.ts'

// What a journal entry counts against its journal's byte bounds: about what V8 holds for it, so
// that a bound in bytes holds whatever paths, queries and bodies callers send.

/** About what an entry's object, ids, time, names and counters take. */
export const ENTRY_OVERHEAD = 400

/** The bytes a parsed query holds (see {@link textBytes}). */
export function queryBytes(query: Readonly<Record<string, string | string[]>>): number {
  let bytes = 0
  // Each name and value also costs its slot and string header, however short it is.
  for (const [name, value] of Object.entries(query)) {
    bytes += SLOT_BYTES + textBytes(name)
    for (const v of Array.isArray(value) ? value : [value]) bytes += SLOT_BYTES + textBytes(v)
  }
  return bytes
}

/**
 * What headers kept as their names and values in turn count: at least what {@link queryBytes}
 * gives once they are redacted and cut (a redacted value is at most its scheme, kept from the
 * value, and `<redacted>`: ten characters more than the value).
 */
export function headerBytes(pairs: readonly string[]): number {
  let bytes = 0
  for (const text of pairs) bytes += SLOT_BYTES + textBytes(text)
  return bytes + REDACTION_BYTES * (pairs.length >> 1)
}

/** The most a redacted value adds to the value it replaces: ` <redacted>` past a scheme. */
const REDACTION_BYTES = REDACTED.length + 1

/**
 * What a query kept as search text counts: two slots a parameter, as many as it can hold, and its
 * characters (a URL's search is percent-encoded ASCII, and parsing never lengthens it), twice
 * over when an escape of `%80` or above may decode to a character outside Latin-1 (V8 then keeps
 * the whole value two bytes a character). So the count bounds what {@link queryBytes} gives once
 * the query is parsed.
 */
export function searchBytes(search: string): number {
  let parameters = search.length > 1 ? 1 : 0
  for (let at = search.indexOf('&'); at !== -1; at = search.indexOf('&', at + 1)) parameters++
  const perCharacter = HIGH_ESCAPE.test(search) ? 2 : 1
  return perCharacter * search.length + 2 * SLOT_BYTES * parameters
}

/** A percent-escape of a byte ≥ 0x80: part of a UTF-8 sequence, or invalid (decoded as U+FFFD). */
const HIGH_ESCAPE = /%[89a-fA-F]/

/** The bytes of a proxied exchange's contract violations: their messages. */
export function violationBytes(violations: readonly { message: string }[] = []): number {
  let bytes = 0
  for (const violation of violations) bytes += textBytes(violation.message)
  return bytes
}

/**
 * The bytes a text holds: a byte a character, or two when it holds a character outside Latin-1
 * (V8 then stores the whole string two bytes a character). An entry's fixed fields are
 * {@link ENTRY_OVERHEAD}.
 */
export function textBytes(text: string): number {
  return WIDE.test(text) ? 2 * text.length : text.length
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: every Latin-1 character, NUL included
const WIDE = /[^\u0000-\u00ff]/

/**
 * What a query name or value costs beyond its characters: its share of a hash-table entry (with
 * the table's spare room) or array slot, and a string header. Measured: 200 distinct names a
 * query, fully parsed, take up to twice what 24 bytes counted.
 */
const SLOT_BYTES = 48
