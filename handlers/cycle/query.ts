import { CycleError } from './errors.ts'
import {
  type ListQuery,
  SORT_KEYS,
  SOURCE_INCLUDES,
  SOURCE_METAS,
  type SortKey,
  type SourceInclude,
  type SourceMeta,
} from './model.ts'
import { IMAGE_SOURCE_STATES } from './schemas.ts'

/** Results per page when `page[size]` is not given, as the contract says. */
export const DEFAULT_PAGE_SIZE = 20

/** The largest `page[size]` the mock accepts. */
export const MAX_PAGE_SIZE = 100

const FILTER_KEYS = ['identifier', 'search', 'state'] as const

/**
 * Values of a list parameter. The contract describes comma-separated lists (`include=a,b`) but
 * declares `style: form`, whose default explodes them (`include=a&include=b`); both are accepted.
 */
function listParam(query: URLSearchParams, name: string): string[] {
  return query
    .getAll(name)
    .flatMap((value) => value.split(','))
    .map((value) => value.trim())
    .filter((value) => value !== '')
}

/** `include=creators,integrations`; anything else is `422.invalid-argument`. */
export function parseInclude(query: URLSearchParams): Set<SourceInclude> {
  return new Set(oneOf(listParam(query, 'include'), SOURCE_INCLUDES, 'include'))
}

/** `meta=images_count`; anything else is `422.invalid-argument`. */
export function parseMeta(query: URLSearchParams): Set<SourceMeta> {
  return new Set(oneOf(listParam(query, 'meta'), SOURCE_METAS, 'meta'))
}

/** Every list parameter of getImageSources, validated. */
export function parseListQuery(query: URLSearchParams): ListQuery {
  const filter: ListQuery['filter'] = {}
  const page = { number: 1, size: DEFAULT_PAGE_SIZE }
  for (const name of new Set(query.keys())) {
    const filterKey = /^filter\[(.*)\]$/.exec(name)?.[1]
    if (filterKey !== undefined) {
      if (!(FILTER_KEYS as readonly string[]).includes(filterKey)) {
        throw CycleError.invalidArgument(
          `filter[${filterKey.slice(0, 40)}] is not a filter of image sources; use ${FILTER_KEYS.map((k) => `filter[${k}]`).join(', ')}.`,
        )
      }
      const values = query.getAll(name)
      if (filterKey === 'state') {
        const states = oneOf(
          values
            .flatMap((v) => v.split(','))
            .map((v) => v.trim())
            .filter(Boolean),
          IMAGE_SOURCE_STATES,
          'filter[state]',
        )
        // An empty filter[state]= filters nothing, like an absent one.
        if (states.length > 0) filter.state = states
      } else {
        filter[filterKey as 'identifier' | 'search'] = values.at(-1) ?? ''
      }
      continue
    }
    const pageKey = /^page\[(.*)\]$/.exec(name)?.[1]
    if (pageKey !== undefined) {
      if (pageKey !== 'number' && pageKey !== 'size') {
        throw CycleError.invalidArgument(
          `page[${pageKey.slice(0, 40)}] is not a paging parameter; use page[number] and page[size].`,
        )
      }
      page[pageKey] = pageValue(pageKey, query.get(name) ?? '')
    }
  }
  return {
    include: parseInclude(query),
    meta: parseMeta(query),
    filter,
    sort: parseSort(query),
    page,
  }
}

function parseSort(query: URLSearchParams): SortKey[] {
  return listParam(query, 'sort').map((raw) => {
    const descending = raw.startsWith('-')
    const key = descending ? raw.slice(1) : raw
    // Own keys only: `in` would also find Object.prototype's (`__proto__`, `valueOf`…).
    if (!Object.hasOwn(SORT_KEYS, key)) {
      throw CycleError.invalidArgument(
        `Cannot sort image sources by '${raw.slice(0, 40)}'; sort by ${Object.keys(SORT_KEYS).join(', ')}, with a leading - for descending.`,
      )
    }
    return { key, descending }
  })
}

function pageValue(which: 'number' | 'size', raw: string): number {
  const value = /^\d{1,9}$/.test(raw.trim()) ? Number(raw.trim()) : Number.NaN
  const max = which === 'size' ? MAX_PAGE_SIZE : Number.MAX_SAFE_INTEGER
  if (!(value >= 1 && value <= max)) {
    const range = which === 'size' ? `from 1 to ${MAX_PAGE_SIZE}` : 'of 1 or more'
    throw CycleError.invalidArgument(
      `page[${which}] must be a whole number ${range}; got '${raw.slice(0, 40)}'.`,
    )
  }
  return value
}

function oneOf<T extends string>(values: string[], allowed: readonly T[], name: string): T[] {
  for (const value of values) {
    if (!(allowed as readonly string[]).includes(value)) {
      throw CycleError.invalidArgument(
        `'${value.slice(0, 40)}' is not a valid ${name} value; use ${allowed.join(', ')}.`,
      )
    }
  }
  return values as T[]
}
