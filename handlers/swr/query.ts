import { z } from 'zod'
import { queryRecord } from '../../core/pipeline/parse-query.ts'
import { SwrError } from './errors.ts'

/** Which side of sharing to list. */
export type Center = 'self' | 'thirdparty'

/** Columns ListSharedReposDetails can order by (`updated_time` is read as `updated_at`). */
export type OrderColumn = 'name' | 'updated_at' | 'tag_count'

/** A ListSharedReposDetails query, the same whichever form it came in. */
export interface SharedReposQuery {
  center: Center
  namespace?: string
  name?: string
  page?: { limit: number; offset: number }
  order?: { column: OrderColumn; type: 'asc' | 'desc' }
}

/** The parameters of both forms: discrete (`center=self`) and legacy (`filter=center::self|…`). */
export const QUERY_KEYS = [
  'center',
  'namespace',
  'name',
  'limit',
  'offset',
  'order_column',
  'order_type',
] as const
type QueryKey = (typeof QUERY_KEYS)[number]

const CENTERS: readonly Center[] = ['self', 'thirdparty']
const ORDER_COLUMNS: Record<string, OrderColumn> = {
  name: 'name',
  updated_at: 'updated_at',
  updated_time: 'updated_at',
  tag_count: 'tag_count',
}
const ORDER_TYPES = ['asc', 'desc'] as const
// SDK doc: starts with a lower-case letter, then letters, digits and . _ - (at most two _ in a
// row, no two separators side by side), ends with a letter or digit; 1-64 characters.
const NAMESPACE = /^[a-z](?:[a-z0-9]|(?:[.-]|_{1,2})(?=[a-z0-9]))*$/

/** One value of a parameter that may be given once; a repeated one is SWR's 400. */
function once(key: string, description: string) {
  return z
    .union([z.string(), z.array(z.string())])
    .optional()
    .transform((value) => {
      if (!Array.isArray(value)) return value
      throw SwrError.invalidParameter(
        key === 'filter'
          ? `Invalid parameter: filter is given ${value.length} times; put every condition into one filter, e.g. filter=center::self|name::busybox.`
          : `Invalid parameter: ${key} is given ${value.length} times; give it once.`,
      )
    })
    .describe(description)
}

/**
 * ListSharedReposDetails' query: both forms, discrete (`center=self`) and legacy
 * (`filter=center::self|…`), read into one {@link SharedReposQuery}. The one definition that
 * parses requests and documents them. A parameter may come in both forms when the values agree
 * (Huawei's SDKs require `center` even when `filter` carries it).
 *
 * @note `offset` must be 0 or a multiple of `limit`, and `limit`/`offset` and
 * `order_column`/`order_type` only come in pairs, as the contract's parameter notes say; the mock
 * refuses other combinations with a 400 rather than guessing. Refusals are SWR's own errors
 * (`SwrError.invalidParameter`), thrown while parsing.
 */
export const sharedReposQuery = z
  .object({
    center: once(
      'center',
      'self: repositories this account shares; thirdparty: repositories shared with it. Required, here or inside filter.',
    ),
    namespace: once('namespace', 'Organization name (exact match).'),
    name: once('name', 'Repository name (exact match).'),
    limit: once(
      'limit',
      'Page size, at least 1. Only together with offset; then Content-Range is set.',
    ),
    offset: once('offset', 'Start index: 0 or a multiple of limit. Only together with limit.'),
    order_column: once(
      'order_column',
      'Sort column: name, updated_at, updated_time (= updated_at) or tag_count. Only together with order_type.',
    ),
    order_type: once('order_type', 'asc or desc. Only together with order_column.'),
    filter: once(
      'filter',
      'Legacy form: center::{center}|name::{name}|limit::{limit}|offset::{offset}|namespace::…|order_column::…|order_type::…',
    ),
  })
  .transform((given) => toSharedReposQuery(given))

/** Parses a query outside a request (benchmarks, model tests). */
export function parseSharedReposQuery(params: URLSearchParams): SharedReposQuery {
  const record = queryRecord(params)
  return sharedReposQuery.parse(record)
}

function toSharedReposQuery(
  given: Partial<Record<QueryKey | 'filter', string | undefined>>,
): SharedReposQuery {
  const raw = new Map<QueryKey, string>()
  for (const key of QUERY_KEYS) {
    const value = given[key]
    if (value !== undefined) raw.set(key, value)
  }
  if (given.filter !== undefined) mergeFilter(raw, given.filter)

  for (const [key, value] of raw) {
    if (value === '')
      throw SwrError.invalidParameter(`Invalid parameter: ${key} must not be empty.`)
  }
  const query: SharedReposQuery = { center: center(raw.get('center')) }
  const namespace = raw.get('namespace')
  if (namespace !== undefined) query.namespace = checkNamespace(namespace)
  const name = raw.get('name')
  if (name !== undefined) query.name = name
  const page = paging(raw.get('limit'), raw.get('offset'))
  if (page) query.page = page
  const order = ordering(raw.get('order_column'), raw.get('order_type'))
  if (order) query.order = order
  return query
}

/** Adds `filter=key::value|…` entries to the discrete ones, refusing contradictions. */
function mergeFilter(raw: Map<QueryKey, string>, filter: string): void {
  const seen = new Set<string>()
  for (const [i, entry] of filter.split('|').entries()) {
    const at = entry.indexOf('::')
    if (at === -1) {
      throw SwrError.invalidParameter(
        `Invalid parameter: filter entry ${i + 1} "${clip(entry)}" is not of the form key::value (entries are separated by |).`,
      )
    }
    const key = entry.slice(0, at)
    const value = entry.slice(at + 2)
    if (!(QUERY_KEYS as readonly string[]).includes(key)) {
      throw SwrError.invalidParameter(
        `Invalid parameter: filter key "${clip(key)}" is unknown; known keys: ${QUERY_KEYS.join(', ')}.`,
      )
    }
    if (seen.has(key))
      throw SwrError.invalidParameter(`Invalid parameter: filter gives ${key} more than once.`)
    seen.add(key)
    const discrete = raw.get(key as QueryKey)
    if (discrete !== undefined && discrete !== value) {
      throw SwrError.invalidParameter(
        `Invalid parameter: ${key} is "${clip(discrete)}" as a query parameter but "${clip(value)}" in filter.`,
      )
    }
    raw.set(key as QueryKey, value)
  }
}

function center(value: string | undefined): Center {
  if (value === undefined) {
    throw SwrError.invalidParameter(
      'Invalid parameter: center is required: self (repositories you share) or thirdparty (repositories shared with you), as center=self or filter=center::self.',
    )
  }
  if (!(CENTERS as readonly string[]).includes(value)) {
    throw SwrError.invalidParameter(
      `Invalid parameter: center "${clip(value)}" is not valid; use self or thirdparty.`,
    )
  }
  return value as Center
}

function checkNamespace(value: string): string {
  if (value.length > 64 || !NAMESPACE.test(value)) {
    throw SwrError.invalidParameter(
      `Invalid parameter: namespace "${clip(value)}" is not an organization name (1-64 characters: lower-case letters, digits, and . _ - between them, starting with a letter).`,
    )
  }
  return value
}

function paging(
  limit: string | undefined,
  offset: string | undefined,
): SharedReposQuery['page'] | undefined {
  if (limit === undefined && offset === undefined) return undefined
  if (limit === undefined || offset === undefined) {
    throw SwrError.invalidParameter(
      `Invalid parameter: limit and offset must be used together; got only ${limit === undefined ? 'offset' : 'limit'}.`,
    )
  }
  const size = wholeNumber('limit', limit)
  const start = wholeNumber('offset', offset)
  if (size === 0) throw SwrError.invalidParameter('Invalid parameter: limit must be at least 1.')
  if (start % size !== 0) {
    throw SwrError.invalidParameter(
      `Invalid parameter: offset ${start} must be 0 or a multiple of limit ${size}.`,
    )
  }
  return { limit: size, offset: start }
}

function wholeNumber(key: string, value: string): number {
  const n = Number(value)
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(n)) {
    throw SwrError.invalidParameter(
      `Invalid parameter: ${key} "${clip(value)}" is not a whole number from 0 to ${Number.MAX_SAFE_INTEGER}.`,
    )
  }
  return n
}

function ordering(
  column: string | undefined,
  type: string | undefined,
): SharedReposQuery['order'] | undefined {
  if (column === undefined && type === undefined) return undefined
  if (column === undefined || type === undefined) {
    throw SwrError.invalidParameter(
      `Invalid parameter: order_column and order_type must be used together; got only ${column === undefined ? 'order_type' : 'order_column'}.`,
    )
  }
  const resolved = Object.hasOwn(ORDER_COLUMNS, column) ? ORDER_COLUMNS[column] : undefined
  if (!resolved) {
    throw SwrError.invalidParameter(
      `Invalid parameter: order_column "${clip(column)}" is not valid; use one of ${Object.keys(ORDER_COLUMNS).join(', ')}.`,
    )
  }
  if (!(ORDER_TYPES as readonly string[]).includes(type)) {
    throw SwrError.invalidParameter(
      `Invalid parameter: order_type "${clip(type)}" is not valid; use asc or desc.`,
    )
  }
  return { column: resolved, type: type as 'asc' | 'desc' }
}

/** Echoes client input in messages without letting a huge value flood them. */
function clip(text: string): string {
  return text.length > 80 ? `${text.slice(0, 80)}…` : text
}
