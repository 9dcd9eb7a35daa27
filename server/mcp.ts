/**
 * `image-registry-mock mcp`: a Model Context Protocol server over stdio (on the official
 * `@modelcontextprotocol/sdk`) whose tools are the control API of a running mock. Each tool is one
 * control-API request to `base`; the answer's JSON is the tool's result, and a control-API error
 * (`{ error: { status, message } }`) is a tool error (`isError`) carrying that status and message.
 * The control API validates every argument, so a tool refuses exactly what the API refuses; a
 * session name is checked here too (the same rule), since it travels in a header where a bad one
 * cannot even be sent.
 */
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js'
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js'
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js'
import { z } from 'zod'
import { SESSION_HEADER, SESSION_NAME } from '../core/session.ts'
import { VERSION } from '../core/version.ts'

/** One control-API request: method, path under `/__mock`, query, JSON body and session. */
export interface ControlRequest {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE'
  /** Under `/__mock`, e.g. `/faults`. */
  path: string
  query?: Record<string, string | number | undefined>
  body?: unknown
  session?: string | undefined
}

/** A tool: its name, what it does, its arguments (a zod shape) and the request it makes. */
export interface ControlTool<Shape extends z.ZodRawShape = z.ZodRawShape> {
  name: string
  description: string
  input: Shape
  /** Changes the mock's state (tools without it are read-only). */
  writes?: boolean
  request(args: z.infer<z.ZodObject<Shape>>): ControlRequest
}

/** Defines a tool, typing `request`'s arguments from `input`. */
function tool<Shape extends z.ZodRawShape>(definition: ControlTool<Shape>): ControlTool {
  return definition as unknown as ControlTool
}

const session = z
  .string()
  .regex(SESSION_NAME, 'must be 1-64 letters, digits, dots, dashes or underscores')
  .optional()
  .describe(
    'the session (X-Mock-Session): 1-64 letters, digits, dots, dashes or underscores; default "default". A session is created on first use.',
  )

const jsonObject = z.record(z.string(), z.unknown())

/**
 * The tools, one control-API endpoint each (see `GET /__mock/openapi.json` for the endpoints'
 * shapes). A new control endpoint becomes a tool by one entry here.
 */
export const CONTROL_TOOLS: readonly ControlTool[] = [
  tool({
    name: 'list_operations',
    description:
      'The operations the mock serves (id such as "snowflake.listImageRepositories", method, path template, and the statuses a fault may make it answer), with the mock version, scenario, seed and clock. From GET /__mock/health.',
    input: { session },
    request: ({ session }) => ({ method: 'GET', path: '/health', session }),
  }),
  tool({
    name: 'list_sessions',
    description:
      'Names of the live sessions. Each session (selected by the X-Mock-Session header) has its own data, fault rules, journal and clock. From GET /__mock/sessions.',
    input: {},
    request: () => ({ method: 'GET', path: '/sessions' }),
  }),
  tool({
    name: 'add_fault_rule',
    description:
      'Adds a fault rule (or an array of rules, all or nothing) to a session; returns the stored rules with their ids. A rule is {"id"?, "match": {"operation"?: id or glob such as "snowflake.*", "method"?, "path"?: glob}, "effect": {"status"?: 400-599 or a redirect with "location", "retryAfter"?: s, "body"?: JSON, "network"?: "reset"|"timeout", "delayMs"?: ms}, "times"?, "after"?, "every"?, "probability"?: 0-1, "seed"?}. Example: {"match": {"operation": "rhacs.listImages"}, "effect": {"status": 503, "retryAfter": 2}, "times": 1}. POST /__mock/faults.',
    input: {
      rule: z
        .union([jsonObject, z.array(jsonObject)])
        .describe('the JSON that POST /__mock/faults takes: one rule or an array of rules'),
      session,
    },
    writes: true,
    request: ({ rule, session }) => ({ method: 'POST', path: '/faults', body: rule, session }),
  }),
  tool({
    name: 'list_fault_rules',
    description:
      "A session's fault rules with their counters (matched, fired). From GET /__mock/faults.",
    input: { session },
    request: ({ session }) => ({ method: 'GET', path: '/faults', session }),
  }),
  tool({
    name: 'remove_fault_rule',
    description: 'Removes one fault rule of a session by its id. DELETE /__mock/faults/{id}.',
    input: { id: z.string().min(1).describe('the rule id list_fault_rules gives'), session },
    writes: true,
    request: ({ id, session }) => ({
      method: 'DELETE',
      path: `/faults/${encodeURIComponent(id)}`,
      session,
    }),
  }),
  tool({
    name: 'read_journal',
    description:
      'The requests a session received, oldest first, with status, fault rule that fired, query and the first 2 KB of each body; filters narrow it and limit keeps the newest N (default 20). `omitted` counts matching entries left out. From GET /__mock/journal.',
    input: {
      operation: z.string().optional().describe('an operation id or glob such as "cycle.*"'),
      vendor: z.string().optional().describe('snowflake, rhacs, swr or cycle'),
      method: z.string().optional().describe('an HTTP method such as POST'),
      status: z.number().int().min(0).optional().describe('the status the mock answered'),
      limit: z.number().int().min(0).default(20).describe('newest N matching entries'),
      afterId: z.number().int().min(0).optional().describe('only entries with a higher id'),
      session,
    },
    request: ({ session, ...query }) => ({ method: 'GET', path: '/journal', query, session }),
  }),
  tool({
    name: 'retries',
    description:
      "A session's retry chains: the attempts of one logical request (same operation, method, path, query and body, each after a 408, 425, 429, 5xx or network fault) with each attempt's status, Retry-After and wait, and whether the client honoured Retry-After, its backoff (none, constant, linear, exponential), jitter, outcome (succeeded, failed, gave-up, pending) and duplicate writes. From GET /__mock/retries.",
    input: {
      operation: z.string().optional().describe('an operation id or glob such as "swr.*"'),
      windowMs: z
        .number()
        .int()
        .min(0)
        .optional()
        .describe('how long after a failed answer (plus its Retry-After) a retry still links, ms'),
      session,
    },
    request: ({ session, ...query }) => ({ method: 'GET', path: '/retries', query, session }),
  }),
  tool({
    name: 'coverage',
    description:
      "A session's resilience coverage: for each operation the client called, the statuses and fault kinds it received and the error statuses of the operation's catalogue and fault kinds (reset, timeout, truncate, garbage, empty, slowBody, afterCommit, asyncFail) it never met. From GET /__mock/coverage.",
    input: { session },
    request: ({ session }) => ({ method: 'GET', path: '/coverage', session }),
  }),
  tool({
    name: 'reset_session',
    description:
      'Resets a session to a scenario (default: its current one; built-in: default, empty, large, flaky) and seed: data, fault rules, journal and clock start again. POST /__mock/reset.',
    input: {
      scenario: z.string().optional().describe('scenario name'),
      seed: z.number().int().min(0).optional().describe('seed of every random stream'),
      session,
    },
    writes: true,
    request: ({ session, ...body }) => ({ method: 'POST', path: '/reset', body, session }),
  }),
  tool({
    name: 'get_state',
    description:
      "A session's whole state (scenario, seed, clock, fault rules, every vendor's records) as JSON that put_state takes back. From GET /__mock/state.",
    input: { session },
    request: ({ session }) => ({ method: 'GET', path: '/state', session }),
  }),
  tool({
    name: 'put_state',
    description:
      "Replaces a session's state with one get_state gave (possibly edited); refused whole when it does not fit. PUT /__mock/state.",
    input: { state: jsonObject.describe('the JSON get_state returns'), session },
    writes: true,
    request: ({ state, session }) => ({ method: 'PUT', path: '/state', body: state, session }),
  }),
  tool({
    name: 'advance_clock',
    description:
      "Moves a session's clock (timestamps, expiries) forward by advanceMs, or sets it to now; returns the clock. POST /__mock/clock.",
    input: {
      advanceMs: z.number().int().min(0).optional().describe('milliseconds to move forward'),
      now: z
        .union([z.string(), z.number().int().min(0)])
        .optional()
        .describe('instead of advanceMs: an ISO date-time or epoch ms to set'),
      session,
    },
    writes: true,
    request: ({ session, ...body }) => ({ method: 'POST', path: '/clock', body, session }),
  }),
]

/** How long a control request may take, answer and body, before the tool gives up: 30 s. */
export const DEFAULT_TIMEOUT_MS = 30_000

/**
 * Sends one control request to the mock at `base`; a failure of any kind is a tool error: no
 * connection, no whole answer within `timeoutMs` (ms), a control-API error (its status and
 * message), or an answer that is not the control API's JSON (its status, content type and first
 * bytes).
 */
export async function callControl(
  base: string,
  request: ControlRequest,
  timeoutMs = DEFAULT_TIMEOUT_MS,
): Promise<CallToolResult> {
  const url = new URL(`${base.replace(/\/+$/, '')}/__mock${request.path}`)
  for (const [key, value] of Object.entries(request.query ?? {})) {
    if (value !== undefined) url.searchParams.set(key, String(value))
  }
  const headers: Record<string, string> = {}
  if (request.session !== undefined) headers[SESSION_HEADER] = request.session
  if (request.body !== undefined) headers['content-type'] = 'application/json'
  // One deadline for the answer and its body: a server that accepts and then stalls must not
  // hang the tool call.
  const signal = AbortSignal.timeout(timeoutMs)
  let response: Response
  let text: string
  try {
    response = await fetch(url, {
      method: request.method,
      headers,
      body: request.body === undefined ? undefined : JSON.stringify(request.body),
      signal,
    })
    text = await response.text()
  } catch (error) {
    if (signal.aborted) return failure(`no answer from ${url.href} within ${seconds(timeoutMs)} s`)
    const cause = (error as Error & { cause?: Error }).cause?.message
    return failure(
      `cannot reach the mock at ${base}: ${cause ?? (error as Error).message} (is it running?)`,
    )
  }
  let json: unknown
  if (text !== '') {
    try {
      json = JSON.parse(text)
    } catch {
      return failure(notTheMock(url, response, text))
    }
  }
  if (!response.ok) {
    const message = (json as { error?: { message?: unknown } } | undefined)?.error?.message
    if (typeof message !== 'string') return failure(notTheMock(url, response, text))
    return failure(
      `${request.method} /__mock${request.path} answered ${response.status}: ${message}`,
    )
  }
  if (json === undefined) return { content: [{ type: 'text', text: `done (${response.status})` }] }
  // MCP's structured content is an object; the text keeps the JSON for clients that read only it.
  return typeof json === 'object' && json !== null && !Array.isArray(json)
    ? { content: [{ type: 'text', text }], structuredContent: json as Record<string, unknown> }
    : { content: [{ type: 'text', text }] }
}

/** Bytes of a foreign answer quoted in the tool error. */
const PREVIEW_CHARS = 200

function notTheMock(url: URL, response: Response, text: string): string {
  const type = response.headers.get('content-type') ?? 'no content type'
  const preview = text.length > PREVIEW_CHARS ? `${text.slice(0, PREVIEW_CHARS)}…` : text
  return `${url.href} did not answer as image-registry-mock (status ${response.status}, ${type}): ${JSON.stringify(preview)}`
}

const seconds = (ms: number) => Number((ms / 1000).toFixed(3))

function failure(text: string): CallToolResult {
  return { content: [{ type: 'text', text }], isError: true }
}

/** Options of the MCP server. */
export interface McpOptions {
  /** How long one control request may take before its tool gives up, ms (default 30,000). */
  timeoutMs?: number
}

/** The MCP server for the mock at `base` (its root URL, e.g. `http://127.0.0.1:4010`). */
export function createMcpServer(
  base: string,
  tools: readonly ControlTool[] = CONTROL_TOOLS,
  options: McpOptions = {},
) {
  const server = new McpServer(
    { name: 'image-registry-mock', version: VERSION },
    {
      instructions: `Controls the image-registry-mock at ${base} (Snowflake, RHACS, Huawei SWR and Cycle.io image-repository APIs): inject faults, read the request journal, reset, save and load state, move the clock. Point the application under test at ${base}.`,
    },
  )
  for (const t of tools) {
    server.registerTool(
      t.name,
      {
        description: t.description,
        inputSchema: t.input,
        annotations: { readOnlyHint: !t.writes, openWorldHint: false },
      },
      (args: Record<string, unknown>) => callControl(base, t.request(args), options.timeoutMs),
    )
  }
  return server
}

/**
 * Serves the MCP server for `base` over stdio until the client closes it: ends stdin (as the
 * SDK's client does first when it closes), or sends SIGTERM/SIGINT.
 */
export async function serveMcp(base: string, options: McpOptions = {}): Promise<void> {
  const server = createMcpServer(base, CONTROL_TOOLS, options)
  const closed = new Promise<void>((resolve) => {
    server.server.onclose = resolve
  })
  const close = () => void server.close()
  process.stdin.once('end', close)
  process.once('SIGTERM', close)
  process.once('SIGINT', close)
  await server.connect(new StdioServerTransport())
  await closed
}
