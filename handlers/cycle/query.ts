import { z } from 'zod'
import { queryRecord } from '../../core/pipeline/parse-query.ts'
import { CycleError } from './errors.ts'
import {
  type ListQuery,
  SORT_KEYS,
  SOURCE_INCLUDES,
  SOURCE_METAS,
  type SortKey,
} from './model/image-sources.ts'
import { IMAGE_SOURCE_STATES } from './records.ts'

/** Results per page when `page[size]` is not given, as the contract says. */
export const DEFAULT_PAGE_SIZE = 20

/** The largest `page[size]` the mock accepts. */
export const MAX_PAGE_SIZE = 100

const FILTER_KEYS = ['identifier', 'search', 'state'] as const
const PAGE_KEYS = ['number', 'size'] as const

/** A parameter as the pipeline hands it over: one string, or an array when repeated. */
const raw = z.union([z.string(), z.array(z.string())])

/**
 * Values of a list parameter. The contract describes comma-separated lists (`include=a,b`) but
 * declares `style: form`, whose default explodes them (`include=a&include=b`); both are accepted.
 */
function listOf<T extends string>(name: string, allowed: readonly T[], what: string) {
  return raw
    .optional()
    .transform((value, ctx) => {
      const values = [value ?? []]
        .flat()
        .flatMap((v) => v.split(','))
        .map((v) => v.trim())
        .filter((v) => v !== '')
      const wrong = values.find((v) => !(allowed as readonly string[]).includes(v))
      if (wrong !== undefined) {
        ctx.addIssue({
          code: 'custom',
          message: `'${wrong.slice(0, 40)}' is not a valid ${name} value; use ${allowed.join(', ')}.`,
        })
        return z.NEVER
      }
      return values as T[]
    })
    .describe(what)
}

/** The last value given (a repeated filter keeps the last, as form decoding does). */
const lastText = (what: string) =>
  raw
    .optional()
    .transform((value) => (Array.isArray(value) ? value.at(-1) : value))
    .describe(what)

function pageValue(which: 'number' | 'size', what: string) {
  const max = which === 'size' ? MAX_PAGE_SIZE : Number.MAX_SAFE_INTEGER
  const range = which === 'size' ? `from 1 to ${MAX_PAGE_SIZE}` : 'of 1 or more'
  return raw
    .optional()
    .transform((value, ctx) => {
      if (value === undefined) return undefined
      const text = (Array.isArray(value) ? (value[0] ?? '') : value).trim()
      const number = /^\d{1,9}$/.test(text) ? Number(text) : Number.NaN
      if (number >= 1 && number <= max) return number
      ctx.addIssue({
        code: 'custom',
        message: `page[${which}] must be a whole number ${range}; got '${text.slice(0, 40)}'.`,
      })
      return z.NEVER
    })
    .describe(what)
}

const sortKeys = raw
  .optional()
  .transform((value, ctx): SortKey[] => {
    const keys: SortKey[] = []
    for (const item of [value ?? []].flat().flatMap((v) => v.split(','))) {
      const text = item.trim()
      if (text === '') continue
      const descending = text.startsWith('-')
      const key = descending ? text.slice(1) : text
      // Own keys only: `in` would also find Object.prototype's (`__proto__`, `valueOf`…).
      if (!Object.hasOwn(SORT_KEYS, key)) {
        ctx.addIssue({
          code: 'custom',
          message: `Cannot sort image sources by '${text.slice(0, 40)}'; sort by ${Object.keys(SORT_KEYS).join(', ')}, with a leading - for descending.`,
        })
        return z.NEVER
      }
      keys.push({ key, descending })
    }
    return keys
  })
  .describe('Comma-separated keys, - for descending, e.g. name,-events.created')

/** `filter[x]` and `page[x]` outside the contract's keys are refused, not ignored. */
function refuseUnknownBrackets(query: Record<string, unknown>, ctx: z.RefinementCtx): void {
  for (const name of Object.keys(query)) {
    const filterKey = /^filter\[(.*)\]$/.exec(name)?.[1]
    if (filterKey !== undefined && !(FILTER_KEYS as readonly string[]).includes(filterKey)) {
      ctx.addIssue({
        code: 'custom',
        path: [name],
        message: `filter[${filterKey.slice(0, 40)}] is not a filter of image sources; use ${FILTER_KEYS.map((k) => `filter[${k}]`).join(', ')}.`,
      })
    }
    const pageKey = /^page\[(.*)\]$/.exec(name)?.[1]
    if (pageKey !== undefined && !(PAGE_KEYS as readonly string[]).includes(pageKey)) {
      ctx.addIssue({
        code: 'custom',
        path: [name],
        message: `page[${pageKey.slice(0, 40)}] is not a paging parameter; use page[number] and page[size].`,
      })
    }
  }
}

const include = () =>
  listOf('include', SOURCE_INCLUDES, 'Comma-separated (or repeated): creators, integrations')
const meta = () => listOf('meta', SOURCE_METAS, 'Comma-separated (or repeated): images_count')

/**
 * Query parameters per operation: the one definition that parses requests and documents them.
 * Every refusal is Cycle's `422.invalid-argument` (the vendor's `invalidQuery`).
 */
export const cycleQuery = {
  single: z.object({ include: include(), meta: meta() }),
  list: z
    .looseObject({
      include: include(),
      meta: meta(),
      'filter[identifier]': lastText('Only sources with exactly this identifier'),
      'filter[search]': lastText('Case-insensitive text in ID, name, identifier, type or origin'),
      'filter[state]': listOf(
        'filter[state]',
        IMAGE_SOURCE_STATES,
        'Comma-separated states: live, deleting, deleted (default: not deleted)',
      ),
      sort: sortKeys,
      'page[number]': pageValue('number', 'Page to return, from 1'),
      'page[size]': pageValue('size', 'Sources per page, 1 to 100 (default 20)'),
    })
    .superRefine(refuseUnknownBrackets),
}

/** getImageSources' parsed query as the model takes it. */
export function toListQuery(query: z.output<typeof cycleQuery.list>): ListQuery {
  const filter: ListQuery['filter'] = {}
  if (query['filter[identifier]'] !== undefined) filter.identifier = query['filter[identifier]']
  if (query['filter[search]'] !== undefined) filter.search = query['filter[search]']
  // An empty filter[state]= filters nothing, like an absent one.
  if (query['filter[state]'].length > 0) filter.state = query['filter[state]']
  return {
    include: new Set(query.include),
    meta: new Set(query.meta),
    filter,
    sort: query.sort,
    page: {
      number: query['page[number]'] ?? 1,
      size: query['page[size]'] ?? DEFAULT_PAGE_SIZE,
    },
  }
}

/** Parses a getImageSources query outside a request (benchmarks, model tests). */
export function parseListQuery(params: URLSearchParams): ListQuery {
  const record = queryRecord(params)
  const parsed = cycleQuery.list.safeParse(record)
  if (!parsed.success) throw CycleError.invalidArgument(parsed.error.issues[0]?.message ?? '')
  return toListQuery(parsed.data)
}
