import { z } from 'zod'
import { RhacsError } from './errors.ts'
import type { Pagination } from './model.ts'

/**
 * Query parameters as grpc-gateway reads them into a request message, as zod field schemas: the
 * one definition that parses requests and documents them. Keys arrive canonical (each segment's
 * JSON name, see {@link canonicalQueryKey}); a scalar given twice, or not parseable as its type,
 * is the 400 grpc-gateway gives, with its message (runtime/query.go, strconv).
 */
const raw = z.union([z.string(), z.array(z.string())]).optional()

/** `sort_option` → `sortOption` per segment: grpc-gateway accepts proto and JSON names. */
export function canonicalQueryKey(key: string): string {
  return key.split('.').map(camel).join('.')
}

/**
 * A JSON request body as protojson reads it into a request message: a field may be sent under its
 * proto name (`image_name`) or its JSON name (`imageName`), and `null` is the field's default,
 * as if absent (google.golang.org/protobuf `encoding/protojson`, decode.go). RHACS's request
 * messages are flat, so only the top level is renamed. Anything but an object is returned as is.
 */
export function protojsonMessage(body: unknown): unknown {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return body
  // No prototype: a field named `__proto__` is only ever a field.
  const message: Record<string, unknown> = Object.create(null)
  for (const [key, value] of Object.entries(body)) {
    if (value !== null) message[camel(key)] = value
  }
  return message
}

/**
 * The keys of a JSON object's top level in the order written, repeats kept (`JSON.parse` keeps
 * only the last of a repeated key, protojson refuses it). `text` must be valid JSON, an object.
 * One pass: linear in the text.
 */
export function topLevelKeys(text: string): string[] {
  const keys: string[] = []
  let depth = 0
  for (let i = 0; i < text.length; i++) {
    const c = text[i]
    if (c === '"') {
      let end = i + 1
      while (text[end] !== '"') end += text[end] === '\\' ? 2 : 1
      if (depth === 1) {
        let next = end + 1
        while (next < text.length && ' \t\n\r'.includes(text[next] as string)) next++
        if (text[next] === ':') keys.push(JSON.parse(text.slice(i, end + 1)) as string)
      }
      i = end
    } else if (c === '{' || c === '[') depth++
    else if (c === '}' || c === ']') depth--
  }
  return keys
}

/** `snake_case` → `camelCase`, as protojson names fields. */
export function camel(segment: string): string {
  return segment.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase())
}

function single(name: string, value: string | string[] | undefined): string | undefined {
  if (!Array.isArray(value)) return value
  if (value.length === 1) return value[0]
  throw RhacsError.badRequest(`too many values for field "${name}": ${value.join(', ')}`)
}

const leaf = (name: string) => name.split('.').pop() ?? name

/** A string field (undefined when absent: callers apply proto3's default, ''). */
export const gatewayString = (name: string) => raw.transform((v) => single(name, v))

/** A bool field, as Go's strconv.ParseBool reads it (undefined when absent). */
export const gatewayBool = (name: string) =>
  raw.transform((v) => {
    const text = single(name, v)
    if (text === undefined) return undefined
    if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(text)) return true
    if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(text)) return false
    throw RhacsError.badRequest(
      `parsing field "${leaf(name)}": strconv.ParseBool: parsing ${JSON.stringify(text)}: invalid syntax`,
    )
  })

/** An int32 field, as Go's strconv.ParseInt reads it (undefined when absent). */
export const gatewayInt32 = (name: string) =>
  raw.transform((v) => {
    const text = single(name, v)
    if (text === undefined) return undefined
    const syntax = /^[+-]?\d+$/.test(text)
    const value = Number(text)
    if (!syntax || value > 2_147_483_647 || value < -2_147_483_648) {
      throw RhacsError.badRequest(
        `parsing field "${leaf(name)}": strconv.ParseInt: parsing ${JSON.stringify(text)}: ${syntax ? 'value out of range' : 'invalid syntax'}`,
      )
    }
    return value
  })

/** A message-typed field, which grpc-gateway cannot fill from a query parameter. */
export const gatewayMessage = (field: string, type: string) =>
  raw.transform((v) => {
    if (v === undefined) return undefined
    throw RhacsError.badRequest(`parsing field "${field}": unsupported message type: "${type}"`)
  })

const AGGREGATIONS = ['UNSET', 'COUNT', 'MIN', 'MAX'] as const

/** `v1.Pagination`'s fields under a prefix (`pagination` or `query.pagination`). */
export function paginationShape<Prefix extends string>(prefix: Prefix) {
  const field = <Name extends string>(name: Name) => `${prefix}.${name}` as const
  return {
    [field('limit')]: gatewayInt32(field('limit')).describe(
      'Page size; 0 or more than 1000 means 1000',
    ),
    [field('offset')]: gatewayInt32(field('offset')).describe('Records to skip'),
    [field('sortOption.field')]: gatewayString(field('sortOption.field')).describe(
      'Search-field label to sort by (default `Last Updated`)',
    ),
    [field('sortOption.reversed')]: gatewayBool(field('sortOption.reversed')).describe(
      'true sorts in descending order',
    ),
    [field('sortOption.aggregateBy.aggrFunc')]: raw
      .transform((v) => {
        const text = single('aggrFunc', v)
        if (
          text !== undefined &&
          !(AGGREGATIONS as readonly string[]).includes(text) &&
          !/^[0-3]$/.test(text)
        ) {
          throw RhacsError.badRequest(
            `parsing field "aggrFunc": ${JSON.stringify(text)} is not a valid value`,
          )
        }
        return text
      })
      .describe(`${AGGREGATIONS.join(', ')}: accepted and ignored, not supported over REST`),
    [field('sortOption.aggregateBy.distinct')]: gatewayBool(
      field('sortOption.aggregateBy.distinct'),
    ).describe('Accepted and ignored'),
  } as unknown as Record<`${Prefix}.${string}`, z.ZodType>
}

/**
 * The pagination a parsed query holds under a prefix.
 * @note Central passes a negative limit or offset on to its database, which fails; the mock
 * answers 400.
 */
export function paginationOf(prefix: string, query: Record<string, unknown>): Pagination {
  const limit = (query[`${prefix}.limit`] as number | undefined) ?? 0
  const offset = (query[`${prefix}.offset`] as number | undefined) ?? 0
  if (limit < 0 || offset < 0) {
    const which = limit < 0 ? 'limit' : 'offset'
    throw RhacsError.invalidArgs(
      `${prefix}.${which} must not be negative; got ${limit < 0 ? limit : offset}`,
    )
  }
  return {
    limit,
    offset,
    sortField: (query[`${prefix}.sortOption.field`] as string | undefined) ?? '',
    reversed: (query[`${prefix}.sortOption.reversed`] as boolean | undefined) ?? false,
  }
}
