import { RE2JS } from 're2js'

/**
 * StackRox's search query language, evaluated in memory: `Field:v1,v2+Field2:v`.
 *
 * - Field labels are case-insensitive; labels this mock does not know are ignored, as Central
 *   ignores labels that are not search fields of the category.
 * - Values of one field are OR-ed, fields are AND-ed.
 * - Strings match by case-insensitive prefix; `"exact"` matches exactly; `r/regex` matches a
 *   case-insensitive RE2 regular expression anywhere in the value (in linear time); `!` negates
 *   any of these.
 * - Numbers take `>`, `<`, `>=`, `<=`, `==` (or `=`) and ranges `1-5` (both ends exclusive).
 * - Dates take `01/02/2006` (that day, UTC), `>01/02/2006`, relative days (`>30d`: more than 30
 *   days ago; `<7d`: within the last 7 days), day ranges `7d-30d` and `tr/<ms>-<ms>`.
 * - `*` matches any value and `-` no value.
 *
 * @note Central's parser silently drops pairs it cannot read and only fails when evaluating a
 * value. The mock reports every malformed part (a pair without `:`, an empty field or value, an
 * unterminated quote, a bad number, date, boolean or regex) as a 400 instead of matching
 * everything. A negated value matches subjects where no value of the field matches, including
 * subjects without any value.
 */

/** How a search field's values are compared. */
export type FieldKind = 'string' | 'number' | 'datetime' | 'bool' | 'enum' | 'map'

/** One search field: its label and how to read its values from a subject. */
export interface SearchField<S> {
  label: string
  kind: FieldKind
  /**
   * The subject's values: strings (string, enum), numbers (number, datetime as epoch ms),
   * booleans, or `[key, value]` pairs (map). Absent values are left out.
   */
  values(subject: S): readonly unknown[]
  /** Whether pagination may sort by this field (single-valued fields only). */
  sortable?: boolean
}

/** A query the language cannot read; the message says which part. */
export class SearchSyntaxError extends Error {
  override readonly name = 'SearchSyntaxError'
}

/** A compiled query: a predicate over subjects. */
export interface CompiledQuery<S> {
  test(subject: S): boolean
  /** Labels of the fields the query constrains (unknown labels left out). */
  fields: string[]
}

type ValueTest = (values: readonly unknown[]) => boolean

const DAY = 86_400_000
const NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/
const NUMERIC_PREFIXES = ['>=', '<=', '==', '>', '<', '='] as const
const TRUE_VALUES = new Set(['1', 't', 'T', 'TRUE', 'true', 'True'])
const FALSE_VALUES = new Set(['0', 'f', 'F', 'FALSE', 'false', 'False'])

/** Parses a query against a field table. An empty query matches everything. */
export function compileQuery<S>(
  query: string,
  fields: ReadonlyArray<SearchField<S>>,
  now: number,
): CompiledQuery<S> {
  if ((query.match(/"/g)?.length ?? 0) % 2 === 1) {
    throw new SearchSyntaxError(`unterminated double quote in query "${query}"`)
  }
  const byLabel = new Map(fields.map((f) => [f.label.toLowerCase(), f]))
  const constraints = new Map<string, { field: SearchField<S>; tests: ValueTest[] }>()
  for (const rawPair of splitQuery(query)) {
    const pair = rawPair.trim()
    if (pair === '') continue
    const colon = pair.indexOf(':')
    if (colon === -1) {
      throw new SearchSyntaxError(`"${pair}" is not of the form <field>:<value>[,<value>…]`)
    }
    const key = pair.slice(0, colon).trim()
    const rawValues = pair.slice(colon + 1).trim()
    if (key === '') throw new SearchSyntaxError(`"${pair}" names no field before ":"`)
    if (rawValues === '') throw new SearchSyntaxError(`field "${key}" has no value after ":"`)
    const values = splitValues(rawValues)
    const field = byLabel.get(key.toLowerCase())
    if (!field) continue
    // A later pair with the same label replaces the earlier one, as in Central.
    constraints.set(key, { field, tests: values.map((v) => compileValue(field, v, now)) })
  }
  const compiled = [...constraints.values()].map(({ field, tests }) => ({ field, tests }))
  return {
    fields: compiled.map((c) => c.field.label),
    test(subject) {
      for (const { field, tests } of compiled) {
        const values = field.values(subject)
        if (!tests.some((test) => test(values))) return false
      }
      return true
    },
  }
}

/** A compiled sort option: a key per subject and an order over keys. */
export interface CompiledSort<S> {
  keyOf(subject: S): unknown
  /** Orders two keys; absent (`undefined`) keys sort last, or first when reversed. */
  compare(a: unknown, b: unknown): number
}

/** Compiles a sort option by field label (case-insensitive). */
export function compileSort<S>(
  label: string,
  reversed: boolean,
  fields: ReadonlyArray<SearchField<S>>,
): CompiledSort<S> {
  const field = fields.find((f) => f.label.toLowerCase() === label.trim().toLowerCase())
  if (!field) throw new SearchSyntaxError(`"${label}" is not a search field of images`)
  if (!field.sortable) {
    throw new SearchSyntaxError(`images cannot be sorted by "${field.label}"`)
  }
  const direction = reversed ? -1 : 1
  return {
    keyOf: (subject) => first(field.values(subject)),
    compare(x, y) {
      if (x === undefined || y === undefined) {
        if (x === y) return 0
        return (x === undefined ? 1 : -1) * direction
      }
      if (typeof x === 'string' && typeof y === 'string') {
        return (x < y ? -1 : x > y ? 1 : 0) * direction
      }
      return (Number(x) - Number(y)) * direction
    },
  }
}

function first(values: readonly unknown[]): unknown {
  const value = values[0]
  return value === '' ? undefined : value
}

/** Central's `splitQuery`: pairs split at a `+` that comes before the next `:`, outside quotes. */
function splitQuery(query: string): string[] {
  const pairs: string[] = []
  let previousEnd = 0
  let previousPlus = 0
  let inQuotes = false
  for (let i = 0; i < query.length; i++) {
    const ch = query[i]
    if (ch === '"') {
      inQuotes = !inQuotes
      continue
    }
    if (inQuotes) continue
    if (ch === ':' && previousPlus !== 0) {
      if (previousEnd > previousPlus) continue
      pairs.push(query.slice(previousEnd, previousPlus))
      previousEnd = previousPlus + 1
      continue
    }
    if (ch === '+') previousPlus = i
  }
  pairs.push(query.slice(previousEnd))
  return pairs
}

/** Central's `splitCommaSeparatedValues`: commas inside quotes do not split. */
function splitValues(values: string): string[] {
  const out: string[] = []
  let start = 0
  let inQuotes = false
  for (let i = 0; i < values.length; i++) {
    const ch = values[i]
    if (ch === '"') {
      inQuotes = !inQuotes
      continue
    }
    if (ch === ',' && !inQuotes) {
      out.push(values.slice(start, i))
      start = i + 1
    }
  }
  if (start <= values.length - 1) out.push(values.slice(start))
  else if (values.endsWith(',')) out.push('')
  return out
}

interface Modified {
  value: string
  negated: boolean
  mode: 'prefix' | 'exact' | 'regex'
}

/** Central's `GetValueAndModifiersFromString`. */
function modifiers(raw: string): Modified {
  let value = raw
  let negated = false
  let negationSeen = false
  for (;;) {
    if (!negationSeen && value.startsWith('!!') && value.length > 2) {
      throw new SearchSyntaxError(
        `"${raw}": the "!!" (match all values) modifier is not supported by this API`,
      )
    }
    if (!negationSeen && value.startsWith('!') && value.length > 1) {
      value = value.slice(1)
      negated = true
      negationSeen = true
      continue
    }
    if (value.startsWith('r/') && value.length > 2) {
      return { value: value.slice(2).toLowerCase(), negated, mode: 'regex' }
    }
    if (value.startsWith('"') && value.endsWith('"') && value.length >= 2) {
      return { value: value.slice(1, -1), negated, mode: 'exact' }
    }
    return { value, negated, mode: 'prefix' }
  }
}

function present(value: unknown): boolean {
  return value !== '' && value !== null && value !== undefined
}

function compileValue<S>(field: SearchField<S>, raw: string, now: number): ValueTest {
  if (raw === '*') return (values) => values.some(present)
  if (raw === '-') return (values) => !values.some(present)
  switch (field.kind) {
    case 'string':
    case 'enum':
      return compileString(raw)
    case 'number':
      return compileNumber(field.label, raw)
    case 'datetime':
      return compileTime(field.label, raw, now)
    case 'bool':
      return compileBool(field.label, raw)
    case 'map':
      return compileMap(raw)
  }
}

/** The longest `r/` pattern the mock compiles; longer ones are a 400. */
const MAX_REGEX_LENGTH = 1024

/**
 * Compiles an `r/` value as Central does: the value is lower-cased (`GetValueAndModifiersFromString`),
 * checked with Go's `regexp.Compile` (RE2 syntax; an error is `invalid regexp <value>: <error>`) and
 * matched case-insensitively anywhere in the field (PostgreSQL's `~*`). RE2JS, a port of RE2, runs
 * in time linear in the value for any pattern, so no pattern can stall the mock.
 * @note The mock refuses patterns over {@link MAX_REGEX_LENGTH} characters; Central has no such
 * limit (RE2 itself refuses programs that grow too large, e.g. nested repeat counts over 1000).
 */
function compileRegex(pattern: string): (value: string) => boolean {
  if (pattern.length > MAX_REGEX_LENGTH) {
    throw new SearchSyntaxError(
      `invalid regexp ${shorten(pattern)}: patterns are limited to ${MAX_REGEX_LENGTH} characters`,
    )
  }
  let regexp: RE2JS
  try {
    regexp = RE2JS.compile(pattern, RE2JS.CASE_INSENSITIVE)
  } catch (error) {
    throw new SearchSyntaxError(`invalid regexp ${shorten(pattern)}: ${(error as Error).message}`)
  }
  return (value) => regexp.test(value)
}

/** Echoed input is cut, so a 1 MB query does not come back twice in the error. */
function shorten(text: string, max = 200): string {
  return text.length > max ? `${text.slice(0, max)}…` : text
}

function stringMatcher(m: Modified): (value: string) => boolean {
  if (m.mode === 'exact') return (v) => v === m.value
  if (m.mode === 'regex') return compileRegex(m.value)
  const prefix = m.value.toLowerCase()
  return (v) => v.toLowerCase().startsWith(prefix)
}

function compileString(raw: string): ValueTest {
  const m = modifiers(raw)
  const matches = stringMatcher(m)
  const any = (values: readonly unknown[]) =>
    values.some((v) => typeof v === 'string' && v !== '' && matches(v))
  return m.negated ? (values) => !any(values) : any
}

function compileMap(raw: string): ValueTest {
  const negated = raw.startsWith('!') && raw.length > 1
  const body = negated ? raw.slice(1) : raw
  const equals = body.indexOf('=')
  const keyPart = equals === -1 ? body : body.slice(0, equals)
  const valuePart = equals === -1 ? '' : body.slice(equals + 1)
  const keyMatches = keyPart === '' ? () => true : stringMatcher(modifiers(keyPart))
  const valueMatches = valuePart === '' ? () => true : stringMatcher(modifiers(valuePart))
  const any = (values: readonly unknown[]) =>
    values.some((pair) => {
      const [k, v] = pair as [string, string]
      return keyMatches(k) && valueMatches(v)
    })
  return negated ? (values) => !any(values) : any
}

function splitPrefix(value: string): [string, string] {
  for (const prefix of NUMERIC_PREFIXES) {
    if (value.startsWith(prefix)) return [prefix, value.slice(prefix.length).trim()]
  }
  return ['', value]
}

function parseNumber(label: string, value: string): number {
  if (!NUMBER.test(value)) {
    throw new SearchSyntaxError(`cannot parse "${value}" as a number for field "${label}"`)
  }
  return Number(value)
}

function comparator(prefix: string, bound: number): (v: number) => boolean {
  switch (prefix) {
    case '>':
      return (v) => v > bound
    case '<':
      return (v) => v < bound
    case '>=':
      return (v) => v >= bound
    case '<=':
      return (v) => v <= bound
    default:
      return (v) => v === bound
  }
}

function rangeSplit(value: string): [string, string] | null {
  const dash = value.indexOf('-', 1)
  return dash === -1 ? null : [value.slice(0, dash), value.slice(dash + 1)]
}

function noModifiers(label: string, raw: string, kind: string): void {
  const m = modifiers(raw)
  if (m.negated || m.mode !== 'prefix') {
    throw new SearchSyntaxError(
      `modifiers ("!", "r/", quotes) are not supported for ${kind} field "${label}" in "${raw}"`,
    )
  }
}

function compileNumber(label: string, raw: string): ValueTest {
  noModifiers(label, raw, 'numeric')
  const [prefix, value] = splitPrefix(raw)
  if (prefix === '') {
    const range = rangeSplit(value)
    if (range) {
      const [low, high] = range.map((part) => {
        if (!NUMBER.test(part)) {
          throw new SearchSyntaxError(
            `invalid range ${value} for field "${label}" (cannot parse "${part}" as a number)`,
          )
        }
        return Number(part)
      }) as [number, number]
      if (low >= high) {
        throw new SearchSyntaxError(
          `invalid range ${value} for field "${label}" (first value must be strictly less than the second)`,
        )
      }
      return (values) => values.some((v) => typeof v === 'number' && v > low && v < high)
    }
  }
  const test = comparator(prefix, parseNumber(label, value))
  return (values) => values.some((v) => typeof v === 'number' && test(v))
}

function parseDays(value: string): number | null {
  const digits = value.endsWith('d') ? value.slice(0, -1) : value
  return /^[+-]?\d{1,9}$/.test(digits) ? Number(digits) : null
}

const DATE =
  /^(\d{2})\/(\d{2})\/(\d{4})(?: (\d{1,2}):(\d{2})(?::(\d{2}))? ?(AM|PM))?(?: (UTC|GMT))?$/

function parseDate(value: string): number | null {
  const m = DATE.exec(value)
  if (!m) return null
  const [, mm, dd, yyyy, hh, min, ss, ampm] = m
  const month = Number(mm)
  const day = Number(dd)
  let hour = hh === undefined ? 0 : Number(hh)
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 12) return null
  if (ampm === 'PM' && hour !== 12) hour += 12
  if (ampm === 'AM' && hour === 12) hour = 0
  const ms = Date.UTC(Number(yyyy), month - 1, day, hour, Number(min ?? 0), Number(ss ?? 0))
  return new Date(ms).getUTCDate() === day ? ms : null
}

function compileTime(label: string, raw: string, now: number): ValueTest {
  noModifiers(label, raw, 'date')
  const within = (low: number, high: number, lowInclusive: boolean): ValueTest => {
    return (values) =>
      values.some((v) => typeof v === 'number' && (lowInclusive ? v >= low : v > low) && v < high)
  }
  if (raw.startsWith('tr/')) {
    const m = /^tr\/(-?\d+)-(-?\d+)$/.exec(raw)
    if (!m) throw new SearchSyntaxError(`malformed time range query string: ${raw.slice(3)}`)
    return within(Number(m[1]), Number(m[2]), true)
  }
  const [prefix, value] = splitPrefix(raw)
  const date = parseDate(value)
  if (date !== null) {
    if (prefix === '') return within(date, date + DAY, true)
    const test = comparator(prefix, date)
    return (values) => values.some((v) => typeof v === 'number' && test(v))
  }
  const range = rangeSplit(value)
  if (range) {
    const low = parseDays(range[0])
    const high = parseDays(range[1])
    if (low !== null && high !== null) {
      if (low >= high) {
        throw new SearchSyntaxError(
          `invalid range ${value} for field "${label}" (first value must be strictly less than the second)`,
        )
      }
      return within(now - high * DAY, now - low * DAY, false)
    }
  }
  const days = parseDays(value)
  if (days !== null) {
    // ">30d" means longer ago than 30 days: an earlier timestamp.
    const inverted: Record<string, string> = { '>': '<', '<': '>', '>=': '<=', '<=': '>=' }
    const test = comparator(inverted[prefix] ?? '=', now - days * DAY)
    return (values) => values.some((v) => typeof v === 'number' && test(v))
  }
  throw new SearchSyntaxError(
    `invalid time query for field "${label}" (prefix: ${prefix}, value: ${value}). Must be of the format (01/02/2006 or 1d)`,
  )
}

function compileBool(label: string, raw: string): ValueTest {
  noModifiers(label, raw, 'boolean')
  const wanted = TRUE_VALUES.has(raw) ? true : FALSE_VALUES.has(raw) ? false : null
  if (wanted === null) {
    throw new SearchSyntaxError(
      `field "${label}": strconv.ParseBool: parsing "${raw}": invalid syntax`,
    )
  }
  return (values) => values.some((v) => v === wanted)
}
