import { z } from 'zod'
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

/**
 * Why a query field does not parse, or undefined. Some vendors' field schemas throw the vendor's
 * own error (grpc-gateway's and SWR's messages) instead of reporting an issue.
 */
function fieldProblem(schema: z.ZodType, given: unknown): string | undefined {
  try {
    const parsed = schema.safeParse(given)
    if (parsed.success) return undefined
    return given === undefined ? 'is required' : (parsed.error.issues[0]?.message ?? 'is invalid')
  } catch (error) {
    return (error as Error).message
  }
}

/**
 * Checks a request against the operation's query schema (each given parameter, as the pipeline
 * hands it over: named as the vendor's gateway reads it, text or an array when repeated) and
 * request-body schema (the body as the vendor's `requestMessage` reads it). Unknown query
 * parameters pass, as the vendors' gateways ignore them. Path parameters have no schemas of their
 * own: the route template already matched them.
 */
export function validateRequest(
  operationId: string,
  vendor: AnyVendor,
  operation: AnyOperation,
  query: Record<string, string | string[]>,
  bodyText: string,
): Violation[] {
  const violations: Violation[] = []
  if (operation.query) {
    const fields = (operation.query instanceof z.ZodPipe ? operation.query.in : operation.query)
      .shape as Record<string, z.ZodType>
    for (const [name, schema] of Object.entries(fields)) {
      const problem = fieldProblem(schema, query[name])
      if (problem === undefined) continue
      const path = `query.${name}`
      violations.push({
        where: 'request',
        path,
        message: `${operationId}: request ${path}: ${problem}`,
      })
    }
    // Rules across parameters (SWR's two query forms) live in the schema's pipe.
    const whole =
      violations.length === 0 && operation.query instanceof z.ZodPipe
        ? fieldProblem(operation.query, query)
        : undefined
    if (whole !== undefined) {
      violations.push({
        where: 'request',
        path: 'query',
        message: `${operationId}: request query: ${whole}`,
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
    const parsed = bodySchema.safeParse(vendor.requestMessage ? vendor.requestMessage(body) : body)
    if (!parsed.success)
      // Not spread into push(): a large body can have more issues than a call takes arguments.
      for (const v of fromIssues(operationId, 'request', 'body', parsed.error)) violations.push(v)
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
