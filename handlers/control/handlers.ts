import { type HttpHandler, HttpResponse, http, matchRequestUrl } from 'msw'
import { type Answer, toResponse } from '../../core/answer.ts'
import { parseJsonBody, readBodyText } from '../../core/body.ts'
import { InputError, MockStatusError } from '../../core/errors.ts'
import type { JournalQuery } from '../../core/journal.ts'
import { jsonResponse, jsonTextResponse } from '../../core/json-response.ts'
import type {
  BuiltMock,
  MockSession,
  MockState,
  MockStateInput,
  ResetOptions,
} from '../../core/mock.ts'
import { buildOpenApi } from '../../core/openapi.ts'
import type { MockRequest, RequestHeaders } from '../../core/request-input.ts'
import { pacer } from '../../core/seeded.ts'
import { DEFAULT_SESSION, SESSION_HEADER } from '../../core/session.ts'
import { stateJson } from '../../core/state.ts'
import { VERSION } from '../../core/version.ts'
import { parseWholeNumber } from '../../core/whole-number.ts'
import { dashboardHtml, FAVICON_SVG } from './dashboard/page.ts'
import { dashboardScript } from './dashboard/script.ts'
import { DASHBOARD_CSS } from './dashboard/style.ts'
import { controlPaths } from './openapi.ts'
import { clockSchema } from './schemas.ts'

type Respond = (request: Request, params: Record<string, string>) => Promise<Response> | Response

/**
 * A control-API failure other than bad input (a 404 for a session or rule that is not there): a
 * 4xx with `{ error: { status, message } }`.
 */
class ControlError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message)
  }
}

/** The `/__mock` control API, scoped to the caller's `X-Mock-Session`. Never journaled. */
export function controlHandlers(mock: BuiltMock): HttpHandler[] {
  const face = (request: Request) =>
    mock.session(request.headers.get(SESSION_HEADER) ?? DEFAULT_SESSION)
  /** The JSON body, read within the same size limit as vendor requests; `empty` when there is none. */
  const readControlJson = async (request: Request, empty?: unknown): Promise<unknown> => {
    const text = await readBodyText(request, mock.runtime.maxBodyBytes)
    return empty !== undefined && text.trim() === '' ? empty : parseJsonBody(text)
  }
  /** Runs a control route, its failures answered as {@link failureAnswer} says. */
  const safely = async (
    respond: Respond,
    request: Request,
    params: Record<string, string>,
  ): Promise<Response> => {
    try {
      return await respond(request, params)
    } catch (error) {
      // A client that hung up mid-body waits for no answer: nothing ran, and it is no bug.
      if (request.signal.aborted) return Response.error()
      return toResponse(failureAnswer(error))
    }
  }
  /** The methods each control path answers (`GET` implies `HEAD`), for the 405's `Allow`. */
  const allowed = new Map<string, Set<string>>()
  /**
   * A route. Every GET also answers HEAD (readiness probes poll with it) with the same status and
   * headers and no body; GET routes read no request body, so the HEAD request serves as is.
   */
  const route = (
    method: 'get' | 'post' | 'put' | 'delete',
    path: string,
    respond: Respond,
  ): HttpHandler[] => {
    const run = ({ request, params }: { request: Request; params: object }) =>
      safely(respond, request, params as Record<string, string>)
    const methods = allowed.get(path) ?? new Set<string>()
    allowed.set(path, methods)
    methods.add(method.toUpperCase())
    if (method === 'get') methods.add('HEAD')
    const handlers = [http[method](`*/__mock${path}`, run)]
    if (method === 'get') {
      handlers.push(
        http.head(`*/__mock${path}`, async (info) => {
          const response = await run(info)
          return new HttpResponse(null, { status: response.status, headers: response.headers })
        }),
      )
    }
    return handlers
  }

  let openapi: unknown
  return [
    // msw decodes a route's `:id`/`:name` before any handler runs, and a malformed escape
    // (`/__mock/faults/%`) would throw there: such a path gets its 400 first. The pattern matches
    // as msw matches control paths (any case, after any prefix) and has no groups, since msw
    // decodes each group it captures.
    http.all(/\/__mock/i, ({ request }) => {
      const path = new URL(request.url).pathname
      if (!path.includes('%')) return undefined
      try {
        decodeURIComponent(path)
        return undefined
      } catch {
        return controlError(400, `the path ${path} has a malformed percent-escape`)
      }
    }),
    ...route('get', '/openapi.json', () => {
      openapi ??= buildOpenApi(mock.vendors, controlPaths())
      return HttpResponse.json(openapi as object)
    }),
    ...['', '/'].flatMap((path) =>
      route('get', path, () => asset(dashboardHtml(), 'text/html; charset=utf-8')),
    ),
    ...route('get', '/dashboard.css', () => asset(DASHBOARD_CSS, 'text/css; charset=utf-8')),
    ...route('get', '/favicon.svg', () => asset(FAVICON_SVG, 'image/svg+xml')),
    ...route('get', '/dashboard.js', async () => {
      let script: string
      try {
        script = await dashboardScript()
      } catch (error) {
        // Only a page running the mock from its sources without esbuild gets here.
        throw new ControlError(
          404,
          `the dashboard script is not available here (${(error as Error).message}); in a browser, use mountDashboard()`,
        )
      }
      return asset(script, 'text/javascript; charset=utf-8')
    }),
    ...route('get', '/health', async (request) => toResponse(await healthAnswer(mock, request))),
    ...route('post', '/reset', async (request) => {
      const body = await readControlJson(request, {})
      const session = face(request)
      // The options `reset()` takes, checked there (a JSON body cannot hold a scenario object).
      await session.reset(body as ResetOptions)
      return HttpResponse.json({
        session: session.name,
        scenario: session.raw.scenario,
        seed: session.raw.seed,
      })
    }),
    ...route('get', '/scenarios', () =>
      HttpResponse.json(
        [...mock.scenarios.values()].map((s) => ({ name: s.name, description: s.description })),
      ),
    ),
    ...route('get', '/sessions', () =>
      HttpResponse.json({ sessions: mock.runtime.sessions.names() }),
    ),
    ...route('delete', '/sessions/:name', (_request, params) => {
      const name = params.name ?? ''
      if (name === DEFAULT_SESSION)
        throw new InputError('the default session cannot be deleted; reset it instead')
      if (!mock.runtime.sessions.delete(name))
        throw new ControlError(404, `no session named "${name}"`)
      return new HttpResponse(null, { status: 204 })
    }),
    ...route('get', '/faults', (request) =>
      HttpResponse.json({ rules: face(request).faults.list() }),
    ),
    ...route('post', '/faults', async (request) => {
      const body = await readControlJson(request)
      // The engine validates the JSON itself (the typed face is for callers in TypeScript).
      const faults = face(request).raw.faults
      const rules = Array.isArray(body) ? faults.addAll(body) : [faults.add(body)]
      return HttpResponse.json({ rules }, { status: 201 })
    }),
    ...route('delete', '/faults', (request) => {
      face(request).faults.clear()
      return new HttpResponse(null, { status: 204 })
    }),
    ...route('delete', '/faults/:id', (request, params) => {
      const id = params.id ?? ''
      if (!face(request).faults.remove(id))
        throw new ControlError(404, `no fault rule with id "${id}"`)
      return new HttpResponse(null, { status: 204 })
    }),
    ...route('get', '/journal', (request) => {
      const session = face(request)
      // The raw journal: a filter that matches no operation lists nothing here rather than a 400,
      // since the dashboard filters as the user types.
      const { entries, count, omitted } = session.raw.journal.pageNewestFirst(
        parseJournalQuery(new URL(request.url).searchParams),
      )
      // Newest first until the answer's bound; the older ones left out count as omitted (and
      // are not even read). A full journal of escaped bodies (a NUL is six characters in JSON)
      // would otherwise be a 120 MB answer that blocks every session while it is built.
      const texts: string[] = []
      let answered = 0
      let from = count
      for (const entry of entries) {
        const text = JSON.stringify(entry)
        // UTF-8 bytes at most: three for a character outside ASCII (a CJK body).
        const bytes = NON_ASCII.test(text) ? 3 * text.length : text.length
        if (texts.length > 0 && answered + bytes > JOURNAL_ANSWER_BYTES) break
        texts.push(text)
        answered += bytes + 1
        from--
      }
      const rest = JSON.stringify({
        omitted: omitted + from,
        size: session.journal.size,
        dropped: session.journal.dropped,
        capacity: session.raw.journal.limit,
      })
      return toResponse(
        jsonTextResponse(`{"entries":[${texts.reverse().join(',')}],${rest.slice(1)}`),
      )
    }),
    ...route('delete', '/journal', (request) => {
      face(request).journal.clear()
      return new HttpResponse(null, { status: 204 })
    }),
    ...route('get', '/retries', (request) => {
      const params = new URL(request.url).searchParams
      const operation = params.get('operation') || undefined
      const raw = params.get('windowMs')
      const windowMs = raw === null ? undefined : parseWholeNumber(raw)
      if (raw !== null && windowMs === undefined)
        throw new InputError(`windowMs must be a whole number of ms ≥ 0; got "${raw}"`)
      return HttpResponse.json(face(request).retries({ operation, windowMs }))
    }),
    ...route('get', '/coverage', (request) => HttpResponse.json(face(request).coverage())),
    ...route('get', '/violations', (request) => {
      const session = face(request).name
      const proxy = mock.runtime.proxy
      return HttpResponse.json({
        session,
        proxied: proxy ? [...proxy.upstreams.keys()] : [],
        operations: proxy?.violations.list(session) ?? [],
      })
    }),
    ...route('delete', '/violations', (request) => {
      mock.runtime.proxy?.violations.clear(face(request).name)
      return new HttpResponse(null, { status: 204 })
    }),
    ...route('get', '/state', async (request) => stateResponse(await face(request).exportState())),
    ...route('put', '/state', async (request) => {
      const session = face(request)
      // importState validates the JSON and rejects what does not fit (a 400 here).
      await session.importState((await readControlJson(request)) as MockStateInput)
      return stateResponse(await session.exportState())
    }),
    ...route('get', '/clock', async (request) => {
      const session = face(request)
      await session.ready
      return HttpResponse.json(clockOf(session))
    }),
    ...route('post', '/clock', async (request) => {
      const body = clockSchema.safeParse(await readControlJson(request))
      if (!body.success) {
        throw new InputError(
          'body must be {"advanceMs": <ms ≥ 0>} or {"now": <ISO date-time or ms>}',
        )
      }
      const session = face(request)
      await session.ready
      if ('advanceMs' in body.data) session.clock.advance(body.data.advanceMs)
      else session.clock.set(body.data.now)
      return HttpResponse.json(clockOf(session))
    }),
    // Last: what no route above answered. A control path that another method serves gets a 405
    // naming the methods it takes (RFC 9110 §15.5.6); any other path under /__mock a 404, so both
    // transports answer alike in the control API's envelope.
    ...['*/__mock', '*/__mock/*'].map((pattern) =>
      http.all(pattern, ({ request }) => {
        const url = new URL(request.url)
        for (const [path, methods] of allowed) {
          if (!matchRequestUrl(url, `*/__mock${path}`).matches) continue
          const allow = [...methods].join(', ')
          return controlError(
            405,
            `${request.method} is not allowed on ${url.pathname}; it takes ${allow}`,
            { Allow: allow },
          )
        }
        return controlError(
          404,
          `no control API route at ${request.method} ${url.pathname}; GET /__mock/openapi.json lists them`,
        )
      }),
    ),
  ]
}

/** The session's clock as the control API shows it. */
function clockOf(session: MockSession) {
  return {
    now: new Date(session.clock.now()).toISOString(),
    nowMs: session.clock.now(),
    mode: session.clock.mode,
  }
}

/**
 * A control route's failure as its answer, `{ error: { status, message } }`: a refused input
 * ({@link InputError}, a fault rule or state document included) is a 400, an expected failure
 * (a session or rule that is not there, no room for a session) its own status, and anything else
 * a bug, answered as a 500 and logged.
 */
function failureAnswer(error: unknown): Answer {
  if (error instanceof ControlError || error instanceof MockStatusError) {
    return controlErrorAnswer(error.status, error.message)
  }
  if (error instanceof InputError) return controlErrorAnswer(400, error.message)
  console.error('[image-registry-mock] control API failed unexpectedly:', error)
  return controlErrorAnswer(500, (error as Error).message)
}

/**
 * `GET /__mock/health` for the caller's `X-Mock-Session`: the mock's version, the session's
 * scenario, seed and clock, and every operation (with the statuses a fault rule may make it
 * answer, and the async work an `effect.async` rule may fail).
 */
async function healthAnswer(
  mock: BuiltMock,
  request: { headers: RequestHeaders },
): Promise<Answer> {
  const session = mock.session(request.headers.get(SESSION_HEADER) ?? DEFAULT_SESSION)
  await session.ready
  return jsonResponse({
    status: 'ok',
    version: VERSION,
    session: session.name,
    scenario: session.raw.scenario,
    seed: session.raw.seed,
    sessions: mock.runtime.sessions.size,
    auth: mock.options.auth,
    clock: clockOf(session),
    operations: mock.vendors.flatMap((v) =>
      v.operations.map((op) => ({
        id: `${v.name}.${op.id}`,
        method: op.method,
        path: op.path,
        // What a fault rule may make it answer in the vendor's envelope (absent: any status).
        ...(op.statuses ? { statuses: op.statuses } : {}),
        // Where an `effect.async` fault rule may apply, and what fails.
        ...(op.asyncWork ? { asyncWork: op.asyncWork.what } : {}),
      })),
    ),
  })
}

/**
 * The control API's answer to `GET` or `HEAD /__mock/health` (readiness probes poll it) as plain
 * data, for a transport that answers without msw or Fetch objects (the standalone server, whose
 * first answer then needs neither Node's fetch implementation nor msw's matching); the same
 * answer {@link controlHandlers} gives. Undefined for any other request, left to those handlers.
 */
export function directControlAnswer(
  mock: BuiltMock,
  request: MockRequest,
  url: URL,
): Promise<Answer> | undefined {
  if (url.pathname !== '/__mock/health') return undefined
  if (request.method !== 'GET' && request.method !== 'HEAD') return undefined
  const answered = healthAnswer(mock, request).catch(failureAnswer)
  if (request.method === 'GET') return answered
  return answered.then((answer) => ({ ...answer, body: null }))
}

/** One of the dashboard's files; revalidated on every load, so a newer mock is never stale. */
function asset(body: string, contentType: string): Response {
  return new HttpResponse(body, {
    headers: { 'Content-Type': contentType, 'Cache-Control': 'no-cache' },
  })
}

function controlError(status: number, message: string, headers?: Record<string, string>): Response {
  return toResponse(controlErrorAnswer(status, message, headers))
}

function controlErrorAnswer(
  status: number,
  message: string,
  headers?: Record<string, string>,
): Answer {
  return jsonResponse({ error: { status, message } }, { status, headers })
}

/**
 * Bytes of entries one `GET /__mock/journal` answers at most (8 MB): the newest that fit, the
 * rest counted in `omitted` (narrow with the filters, or page with `afterId` and `limit`).
 */
export const JOURNAL_ANSWER_BYTES = 8 * 2 ** 20

const NON_ASCII = /[\u0080-\uffff]/

function parseJournalQuery(params: URLSearchParams): JournalQuery {
  const query: JournalQuery = {}
  const operation = params.get('operation')
  if (operation) query.operation = operation
  const vendor = params.get('vendor')
  if (vendor) query.vendor = vendor
  const method = params.get('method')
  if (method) query.method = method
  for (const key of ['status', 'limit', 'afterId'] as const) {
    const raw = params.get(key)
    if (raw === null) continue
    const value = parseWholeNumber(raw)
    if (value === undefined) throw new InputError(`${key} must be a whole number ≥ 0; got "${raw}"`)
    query[key] = value
  }
  return query
}

/**
 * An exported state as JSON, the same bytes as `HttpResponse.json(state)`, serialised record by
 * record with yields in between (see `stateJson`), so a large session's export stalls no other
 * session.
 */
async function stateResponse(state: MockState): Promise<Response> {
  return toResponse(jsonTextResponse(await stateJson(state, pacer())))
}
