import type { z } from 'zod'
import type { Violation } from '../journal.ts'
import type { AnyOperation, AnyVendor } from '../vendor.ts'
import type { ProxyAdapter } from './types.ts'

/** Violations kept per exchange; the count goes on, the list stops growing. */
export const MAX_VIOLATIONS_PER_EXCHANGE = 100

/** A zod issue path as `a[0].b`, prefixed by where it is (`body`, `query`, `line 3`). */
function pathOf(prefix: string, path: readonly PropertyKey[]): string {
  let out = prefix
  for (const key of path) out += typeof key === 'number' ? `[${key}]` : `.${String(key)}`
  return out
}

function fromIssues(
  operationId: string,
  where: Violation['where'],
  prefix: string,
  error: z.ZodError,
): Violation[] {
  return error.issues.slice(0, MAX_VIOLATIONS_PER_EXCHANGE).map((issue) => {
    const path = pathOf(prefix, issue.path)
    return {
      where,
      path,
      message: `${operationId}: ${where} ${path}: ${issue.message}`,
    }
  })
}

/** A query value as the gateways read it: numbers and booleans arrive as text. */
function coerce(value: string | string[]): unknown {
  if (Array.isArray(value)) return value
  if (value === 'true' || value === 'false') return value === 'true'
  if (value.trim() !== '' && Number.isFinite(Number(value))) return Number(value)
  return value
}

/**
 * Checks a request against the operation's query schema (each given parameter, as text or, where
 * the schema wants a number or boolean, as one) and request-body schema. Unknown query parameters
 * pass, as the vendors' gateways ignore them. Path parameters have no schemas of their own: the
 * route template already matched them.
 */
export function validateRequest(
  operationId: string,
  operation: AnyOperation,
  query: Record<string, string | string[]>,
  bodyText: string,
): Violation[] {
  const violations: Violation[] = []
  const querySchema = operation.query ?? operation.docs?.query
  if (querySchema) {
    const shape = querySchema.shape as Record<string, z.ZodType>
    for (const [name, schema] of Object.entries(shape)) {
      const given = query[name]
      const parsed = schema.safeParse(given)
      if (parsed.success || (given !== undefined && schema.safeParse(coerce(given)).success)) {
        continue
      }
      const issue = parsed.error.issues[0]
      const path = `query.${name}`
      violations.push({
        where: 'request',
        path,
        message: `${operationId}: request ${path}: ${given === undefined ? 'is required' : (issue?.message ?? 'is invalid')}`,
      })
    }
  }
  const bodySchema = operation.docs?.requestBody
  if (bodySchema) {
    let body: unknown
    try {
      body = JSON.parse(bodyText)
    } catch {
      return [
        ...violations,
        {
          where: 'request',
          path: 'body',
          message: `${operationId}: request body: expected JSON${bodyText === '' ? ', got none' : ''}`,
        },
      ]
    }
    const parsed = bodySchema.safeParse(body)
    if (!parsed.success)
      violations.push(...fromIssues(operationId, 'request', 'body', parsed.error))
  }
  return violations
}

/**
 * The schema an answer with this status must match: the adapter's say, else the operation's
 * documented response for the status, else (for 4xx/5xx) the vendor's error envelope.
 */
export function responseSchemaFor(
  vendor: AnyVendor,
  adapter: ProxyAdapter<never> | undefined,
  operation: AnyOperation,
  status: number,
  body?: unknown,
): z.ZodType | undefined {
  return (
    adapter?.responseSchema?.(operation.id, status, body) ??
    operation.docs?.responses[status]?.schema ??
    (status >= 400 ? vendor.errorSchema : undefined)
  )
}

/** Whether the operation's contract lists this status (an unlisted one is drift too). */
export function statusViolation(
  operationId: string,
  operation: AnyOperation,
  status: number,
): Violation | undefined {
  const listed = new Set([
    ...(operation.statuses ?? []),
    ...Object.keys(operation.docs?.responses ?? {}).map(Number),
  ])
  if (listed.size === 0 || listed.has(status)) return undefined
  return {
    where: 'response',
    path: 'status',
    message: `${operationId}: response status: ${status} is not a status the contract lists; expected one of ${[...listed].sort((a, b) => a - b).join(', ')}`,
  }
}

/** Checks one parsed answer (or one line of a streamed answer) against a schema. */
export function validateResponseBody(
  operationId: string,
  schema: z.ZodType | undefined,
  body: unknown,
  prefix = 'body',
): Violation[] {
  if (!schema) return []
  const parsed = schema.safeParse(body)
  return parsed.success ? [] : fromIssues(operationId, 'response', prefix, parsed.error)
}

/** The violation of an answer that should be JSON and is not. */
export function notJson(operationId: string, prefix = 'body'): Violation {
  return {
    where: 'response',
    path: prefix,
    message: `${operationId}: response ${prefix}: expected JSON`,
  }
}
