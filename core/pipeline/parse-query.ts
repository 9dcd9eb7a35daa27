import { MockStatusError } from '../errors.ts'
import type { AnyOperation, AnyVendor, QueryIssue } from '../vendor.ts'

/**
 * The query as the operation's schema reads it: a parameter given once is a string, one given
 * more often is a string array (a schema that wants one value refuses the array). Unknown
 * parameters are dropped, as the vendors' gateways ignore them.
 * @throws the vendor's `invalidQuery` error (default: a 400 `MockStatusError`, `invalid-query`)
 * for the first parameter that does not parse. A schema's own messages are whole sentences and
 * pass through as they are; zod's generic ones are prefixed with the parameter's name.
 */
export function parseQuery(
  vendor: AnyVendor,
  operation: AnyOperation,
  params: URLSearchParams,
): unknown {
  if (!operation.query) return {}
  const raw = queryRecord(params, vendor.queryKey)
  const parsed = operation.query.safeParse(raw)
  if (parsed.success) return parsed.data
  const issue = parsed.error.issues[0]
  const parameter = String(issue?.path[0] ?? 'query')
  const value = raw[parameter]
  const found: QueryIssue = {
    parameter,
    value,
    message: Array.isArray(value)
      ? `it is given ${value.length} times; give it once`
      : (issue?.message ?? 'it is invalid'),
    ownMessage: issue?.code === 'custom' && !Array.isArray(value),
  }
  throw (
    vendor.invalidQuery?.(found) ??
    new MockStatusError(
      400,
      found.ownMessage
        ? found.message
        : `Invalid value for query parameter ${parameter}: ${found.message}`,
      'invalid-query',
    )
  )
}

/** The query as a record: one string per parameter given once, an array for repeated ones. */
export function queryRecord(
  params: URLSearchParams,
  keyOf: (name: string) => string = (name) => name,
): Record<string, string | string[]> {
  // No prototype: a parameter named `__proto__` (or `sort`, `filter`…) is only ever a parameter.
  const out: Record<string, string | string[]> = Object.create(null)
  for (const [name, value] of params) {
    const key = keyOf(name)
    const existing = out[key]
    if (existing === undefined) out[key] = value
    else if (Array.isArray(existing)) existing.push(value)
    else out[key] = [existing, value]
  }
  return out
}
