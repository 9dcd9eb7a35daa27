import { z } from 'zod'
import { FAULT_KINDS } from '../../core/coverage.ts'
import { faultRuleObjectSchema as faultRuleSchema } from '../../core/faults.ts'
import { lazy } from '../../core/lazy.ts'
import { jsonSchema, type PathsObject } from '../../core/openapi.ts'
import { DEFAULT_RETRY_WINDOW_MS } from '../../core/retries.ts'
import { clockSchema, resetSchema } from './schemas.ts'

const json = (schema: z.ZodType, io: 'input' | 'output' = 'output') => ({
  'application/json': { schema: jsonSchema(schema, io) },
})
const errorBody = lazy(() =>
  z.object({ error: z.object({ status: z.number().int(), message: z.string() }) }),
)
// A function, as everything here that converts a schema: the document is built on first request.
const badRequest = () => ({
  description: 'The input is invalid; the message says what is wrong',
  content: json(errorBody()),
})
const noContent = { description: 'Done' }
const sessionHeader = {
  name: 'X-Mock-Session',
  in: 'header',
  required: false,
  description: 'The session to act on (default: `default`)',
  schema: { type: 'string', pattern: '^[A-Za-z0-9._-]{1,64}$' },
}
const storedRule = lazy(() =>
  faultRuleSchema().extend({
    id: z.string(),
    matched: z.number().int(),
    fired: z.number().int(),
    quotaUsage: z
      .object({ windowStart: z.string(), counts: z.record(z.string(), z.number().int()) })
      .optional()
      .describe(
        "A quota's count in its current window: when it started (ISO-8601) and requests per key",
      ),
  }),
)
const violationSchema = lazy(() =>
  z.object({
    where: z.enum(['request', 'response']),
    path: z.string(),
    message: z.string(),
  }),
)
const journalEntry = lazy(() =>
  z.object({
    id: z.number().int(),
    time: z.string().describe('Session clock time of the request, ISO-8601'),
    receivedAt: z.string().describe('Wall-clock time the request arrived, ISO-8601 with ms'),
    session: z.string(),
    operation: z.string(),
    vendor: z.string(),
    method: z.string(),
    path: z.string(),
    query: z.record(z.string(), z.union([z.string(), z.array(z.string())])),
    requestBody: z.string().nullable(),
    requestBodyTruncated: z.boolean(),
    responseBody: z.string().nullable(),
    responseBodyTruncated: z.boolean(),
    status: z.number().int(),
    network: z.enum(['reset', 'timeout', 'garbage', 'empty', 'truncate']).nullable(),
    durationMs: z.number(),
    requestHeaders: z
      .record(z.string(), z.string())
      .describe('Lower-case names; credentials and signatures are <redacted>'),
    responseHeaders: z
      .record(z.string(), z.string())
      .describe('As requestHeaders; empty when the connection was dropped'),
    requestId: z.string(),
    fault: z.string().nullable(),
    delayMs: z
      .number()
      .int()
      .optional()
      .describe('The latency the request got (fault rules drawn, X-Mock-Delay), ms'),
    committed: z
      .literal(true)
      .optional()
      .describe('An afterCommit fault lost the answer of an operation whose change was stored'),
    bytesPerSecond: z
      .number()
      .int()
      .optional()
      .describe('A bytesPerSecond fault sent the body slowly, at this rate (bytes a second)'),
    asyncFailed: z
      .literal(true)
      .optional()
      .describe('An async: fail fault made the async work this request started end in error'),
    abandoned: z
      .literal(true)
      .optional()
      .describe('The client was gone before the operation started: it did not run (status 0)'),
    hint: z
      .string()
      .optional()
      .describe('A request no route serves: the nearest operation, as its X-Mock-Hint header says'),
    violations: z.array(violationSchema()).optional(),
  }),
)

const retryChain = lazy(() =>
  z.object({
    session: z.string(),
    operation: z.string(),
    method: z.string(),
    path: z.string(),
    attempts: z.array(
      z.object({
        journalId: z.number().int(),
        receivedAt: z.string().describe('wall clock, ISO-8601 with ms'),
        status: z.number().int().describe('0: no answer (network fault)'),
        network: z.string().nullable(),
        fault: z.string().nullable(),
        retryAfterMs: z.number().nullable().describe("this attempt's answer's Retry-After, ms"),
        waitedMs: z
          .number()
          .nullable()
          .describe("wall time from the previous attempt's answer to this attempt, ms"),
      }),
    ),
    honouredRetryAfter: z
      .boolean()
      .nullable()
      .describe('every wait at least the Retry-After before it; null when none was given'),
    backoff: z.enum(['none', 'constant', 'linear', 'exponential']),
    jitter: z.boolean().describe('a wait more than 5 % off the fitted progression'),
    outcome: z.enum(['succeeded', 'failed', 'gave-up', 'pending']),
    duplicateWrite: z.boolean().describe('a write sent again after an attempt that had committed'),
  }),
)
const faultKind = lazy(() => z.enum(FAULT_KINDS))
const coverageSchema = lazy(() =>
  z.object({
    operations: z.array(
      z.object({
        operation: z.string(),
        calls: z.number().int(),
        received: z.object({ statuses: z.array(z.number().int()), faults: z.array(faultKind()) }),
        untested: z.object({ statuses: z.array(z.number().int()), faults: z.array(faultKind()) }),
      }),
    ),
  }),
)

const op = (summary: string, extra: Record<string, unknown>) => ({
  tags: ['control'],
  summary,
  security: [],
  parameters: [sessionHeader, ...((extra.parameters as unknown[]) ?? [])],
  ...Object.fromEntries(Object.entries(extra).filter(([k]) => k !== 'parameters')),
})

const clockBody = lazy(() =>
  z.object({
    now: z.string().describe('The session clock, ISO-8601'),
    nowMs: z.number().int().describe('The session clock, ms since the epoch'),
    mode: z
      .enum(['step', 'real'])
      .describe(
        'step: moves a fixed step per request and when told (deterministic); real: follows wall time from the start instant',
      ),
  }),
)

/**
 * The control API in OpenAPI form, from the zod schemas its handlers validate with. Built on the
 * first request for the document: converting the schemas at import would slow every start-up.
 */
export const controlPaths = (): PathsObject =>
  withHead({
    '/__mock': {
      get: op('The dashboard (also at /__mock/)', {
        operationId: 'control.dashboard',
        responses: {
          200: {
            description: 'HTML page',
            content: { 'text/html': { schema: { type: 'string' } } },
          },
        },
      }),
    },
    '/__mock/dashboard.js': {
      get: op("The dashboard page's script (an ES module)", {
        operationId: 'control.dashboardScript',
        responses: {
          200: {
            description: 'JavaScript',
            content: { 'text/javascript': { schema: { type: 'string' } } },
          },
        },
      }),
    },
    '/__mock/dashboard.css': {
      get: op("The dashboard page's stylesheet", {
        operationId: 'control.dashboardStyle',
        responses: {
          200: { description: 'CSS', content: { 'text/css': { schema: { type: 'string' } } } },
        },
      }),
    },
    '/__mock/favicon.svg': {
      get: op("The dashboard page's icon", {
        operationId: 'control.favicon',
        responses: {
          200: { description: 'SVG', content: { 'image/svg+xml': { schema: { type: 'string' } } } },
        },
      }),
    },
    '/__mock/health': {
      get: op(
        'Status, version, scenario, seed, sessions, session clock and the operations served',
        {
          operationId: 'control.health',
          responses: {
            200: {
              description: 'OK',
              content: json(
                z.object({
                  status: z.literal('ok'),
                  version: z.string(),
                  session: z.string(),
                  scenario: z.string(),
                  seed: z.number().int(),
                  sessions: z.number().int(),
                  auth: z.boolean(),
                  clock: clockBody(),
                  operations: z.array(
                    z.object({
                      id: z.string(),
                      method: z.string(),
                      path: z.string(),
                      statuses: z
                        .array(z.number().int())
                        .optional()
                        .describe(
                          'Statuses the operation can answer; fault rules may force only these',
                        ),
                      asyncWork: z
                        .string()
                        .optional()
                        .describe(
                          'The async work the operation starts (absent: none), which an effect.async fault rule makes fail',
                        ),
                    }),
                  ),
                }),
              ),
            },
          },
        },
      ),
    },
    '/__mock/openapi.json': {
      get: op('This document', {
        operationId: 'control.openapi',
        responses: {
          200: {
            description: 'OpenAPI 3.1',
            content: { 'application/json': { schema: { type: 'object' } } },
          },
        },
      }),
    },
    '/__mock/reset': {
      post: op(
        'Re-seed the session; its fault rules back to the scenario and --fault ones, journal and clock cleared',
        {
          operationId: 'control.reset',
          requestBody: { required: false, content: json(resetSchema, 'input') },
          responses: {
            200: {
              description: 'Reset',
              content: json(
                z.object({ session: z.string(), scenario: z.string(), seed: z.number().int() }),
              ),
            },
            400: badRequest(),
          },
        },
      ),
    },
    '/__mock/scenarios': {
      get: op('The scenarios', {
        operationId: 'control.scenarios',
        responses: {
          200: {
            description: 'OK',
            content: json(z.array(z.object({ name: z.string(), description: z.string() }))),
          },
        },
      }),
    },
    '/__mock/sessions': {
      get: op('Live sessions', {
        operationId: 'control.sessions',
        responses: {
          200: { description: 'OK', content: json(z.object({ sessions: z.array(z.string()) })) },
        },
      }),
    },
    '/__mock/sessions/{name}': {
      delete: op('Drop a session', {
        operationId: 'control.deleteSession',
        parameters: [{ name: 'name', in: 'path', required: true, schema: { type: 'string' } }],
        responses: {
          204: noContent,
          400: badRequest(),
          404: { description: 'No such session', content: json(errorBody()) },
        },
      }),
    },
    '/__mock/faults': {
      get: op('Fault rules with their counters', {
        operationId: 'control.listFaults',
        responses: {
          200: { description: 'OK', content: json(z.object({ rules: z.array(storedRule()) })) },
        },
      }),
      post: op('Add a rule or an array of rules (all or nothing)', {
        operationId: 'control.addFaults',
        requestBody: {
          required: true,
          content: json(z.union([faultRuleSchema(), z.array(faultRuleSchema())]), 'input'),
        },
        responses: {
          201: { description: 'Added', content: json(z.object({ rules: z.array(storedRule()) })) },
          400: badRequest(),
        },
      }),
      delete: op('Remove every rule', {
        operationId: 'control.clearFaults',
        responses: { 204: noContent },
      }),
    },
    '/__mock/faults/{id}': {
      delete: op('Remove one rule', {
        operationId: 'control.deleteFault',
        parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }],
        responses: {
          204: noContent,
          404: { description: 'No such rule', content: json(errorBody()) },
        },
      }),
    },
    '/__mock/journal': {
      get: op('Journaled requests, oldest first', {
        operationId: 'control.journal',
        parameters: ['operation', 'vendor', 'method', 'status', 'limit', 'afterId'].map((name) => ({
          name,
          in: 'query',
          required: false,
          schema: ['status', 'limit', 'afterId'].includes(name)
            ? { type: 'integer', minimum: 0 }
            : { type: 'string' },
        })),
        responses: {
          200: {
            description: 'OK',
            content: json(
              z.object({
                entries: z.array(journalEntry()),
                omitted: z
                  .number()
                  .int()
                  .describe('older matching entries that `limit` left out (the newest are kept)'),
                size: z.number().int().describe('entries the journal holds'),
                dropped: z
                  .number()
                  .int()
                  .describe('entries pushed out by the bounds since the last clear'),
                capacity: z.number().int().describe('entries the journal keeps at most'),
              }),
            ),
          },
          400: badRequest(),
        },
      }),
      delete: op('Clear the journal', {
        operationId: 'control.clearJournal',
        responses: { 204: noContent },
      }),
    },
    '/__mock/retries': {
      get: op(
        'Retry chains: the attempts of one logical request linked, with waits, backoff and outcome',
        {
          operationId: 'control.retries',
          parameters: [
            {
              name: 'operation',
              in: 'query',
              required: false,
              schema: { type: 'string' },
              description: 'operation id glob',
            },
            {
              name: 'windowMs',
              in: 'query',
              required: false,
              schema: { type: 'integer', minimum: 0 },
              description: `how long after a failed answer (plus its Retry-After) a retry still links, ms; default ${DEFAULT_RETRY_WINDOW_MS}`,
            },
          ],
          responses: {
            200: { description: 'OK', content: json(z.object({ chains: z.array(retryChain()) })) },
            400: badRequest(),
          },
        },
      ),
    },
    '/__mock/coverage': {
      get: op('Resilience coverage: per operation called, what it received and never met', {
        operationId: 'control.coverage',
        responses: { 200: { description: 'OK', content: json(coverageSchema()) } },
      }),
    },
    '/__mock/violations': {
      get: op('Contract violations of proxied traffic, per operation', {
        operationId: 'control.violations',
        responses: {
          200: {
            description: 'Operations with violations, by id; empty unless a vendor is proxied',
            content: json(
              z.object({
                session: z.string(),
                proxied: z.array(z.string()),
                operations: z.array(
                  z.object({
                    operation: z.string(),
                    exchanges: z.number().int(),
                    violations: z.number().int(),
                    byWhere: z.object({ request: z.number().int(), response: z.number().int() }),
                    paths: z.record(z.string(), z.number().int()),
                    sample: z.array(violationSchema()),
                  }),
                ),
              }),
            ),
          },
        },
      }),
      delete: op('Clear the violation counts', {
        operationId: 'control.clearViolations',
        responses: { 204: noContent },
      }),
    },
    '/__mock/state': {
      get: op('Export the session', {
        operationId: 'control.exportState',
        responses: {
          200: {
            description: 'The state',
            content: { 'application/json': { schema: { type: 'object' } } },
          },
        },
      }),
      put: op('Import a session exported before', {
        operationId: 'control.importState',
        requestBody: {
          required: true,
          content: { 'application/json': { schema: { type: 'object' } } },
        },
        responses: {
          200: {
            description: 'Imported',
            content: { 'application/json': { schema: { type: 'object' } } },
          },
          400: badRequest(),
        },
      }),
    },
    '/__mock/clock': {
      get: op('Read the session clock', {
        operationId: 'control.readClock',
        responses: { 200: { description: 'The session clock', content: json(clockBody()) } },
      }),
      post: op('Move the session clock', {
        operationId: 'control.clock',
        requestBody: { required: true, content: json(clockSchema, 'input') },
        responses: {
          200: { description: 'The new time', content: json(clockBody()) },
          400: badRequest(),
        },
      }),
    },
  })

/** Adds HEAD to every path with a GET: the same status and headers, no body. */
function withHead(paths: PathsObject): PathsObject {
  const out: PathsObject = {}
  for (const [path, item] of Object.entries(paths)) {
    const get = (item as { get?: Record<string, unknown> }).get
    if (!get) {
      out[path] = item
      continue
    }
    const responses = Object.fromEntries(
      Object.entries(get.responses as Record<string, { description: string }>).map(
        ([status, response]) => [status, { description: response.description }],
      ),
    )
    out[path] = {
      ...item,
      head: {
        ...get,
        operationId: `${get.operationId}.head`,
        summary: `${get.summary} (headers only)`,
        responses,
      },
    }
  }
  return out
}
