import { AnswerHeaders, answer as answerOf } from '../answer.ts'
import { MockStatusError } from '../errors.ts'
import type { Violation } from '../journal.ts'
import { knownBytesResponse } from '../json-response.ts'
import { textDecoderFor } from '../media-type.ts'
import type { ProxyRuntime } from '../proxy/runtime.ts'
import type { ProxyAdapter } from '../proxy/types.ts'
import {
  notJson,
  responseSchemaFor,
  statusViolation,
  validateRequest,
  validateResponseBody,
} from '../proxy/validate.ts'
import { authenticateCaller } from './authenticate.ts'
import type { Exchange, Step } from './exchange.ts'
import { sessionOf } from './exchange.ts'
import { queryRecord } from './parse-query.ts'
import { renderFor } from './render-error.ts'

/** Connection-level headers that belong to one hop, never forwarded (RFC 9110 §7.6.1). */
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
])

/** Request headers the forwarder sets itself (Host from the upstream URL, the length from the body). */
const REQUEST_OWN = new Set(['host', 'content-length'])

/**
 * The content codings `fetch` (undici) undoes on its own. An answer in only these arrives decoded,
 * so it goes on without its Content-Encoding; one in any other coding arrives as sent, and keeps
 * it (undici then decodes none of its codings).
 */
const FETCH_DECODES = new Set(['gzip', 'x-gzip', 'deflate', 'br'])

const NULL_BODY_STATUSES = new Set([101, 204, 205, 304])

/**
 * Proxy mode: when the exchange's vendor is proxied, sends the request to the upstream unchanged
 * (method, path, query, the body's exact bytes and the caller's own headers and credentials, less hop-by-hop and
 * `X-Mock-*` headers) and answers with the upstream's status, headers and exact bytes (a
 * byte-order mark, any charset), streamed for the vendor's streaming operations. A body in a
 * coding `fetch` undoes (gzip, deflate, br) goes on decoded, without its Content-Encoding and with
 * its decoded length; one in any other coding goes on as sent, header kept, unchecked. Both directions are checked against the operation's
 * schemas; violations go on the exchange (journal), in `X-Mock-Violations` and in the proxy's
 * violation log; 2xx answers go to the recorder. Runs after faults and preferences, so those
 * still answer in front of the upstream.
 * @throws MockStatusError 503 when the upstream refuses the connection, 502 when it resets it or
 * the answer breaks off, 504 when it does not answer within the proxy timeout (`reason:
 * 'upstream'`), rendered in the vendor's own envelope.
 */
export const forwardUpstream: Step = async (exchange) => {
  const { operation, vendor, runtime, request, url } = exchange
  const proxy = runtime.proxy
  if (!operation || !proxy) return
  const upstream = proxy.upstreams.get(vendor.name)
  if (!upstream) return
  const session = sessionOf(exchange)
  const adapter = proxy.adapters[vendor.name]
  const violations = validateRequest(
    exchange.operationId,
    vendor,
    operation,
    queryRecord(url.searchParams, vendor.queryKey),
    exchange.bodyText,
  )
  exchange.violations = violations

  const target = new URL(`${upstream.pathname.replace(/\/$/, '')}${url.pathname}`, upstream)
  target.search = url.search
  const headers = new Headers()
  for (const [name, value] of request.headers) {
    const lower = name.toLowerCase()
    if (HOP_BY_HOP.has(lower) || REQUEST_OWN.has(lower) || lower.startsWith('x-mock-')) continue
    headers.append(name, value)
  }
  await adapter?.prepareForward?.({
    method: request.method,
    original: url,
    target,
    headers,
    bodyText: exchange.bodyText,
    bodyBytes: exchange.bodyBytes,
    store: session.store(vendor),
    authenticate: () => authenticateCaller(exchange),
  })
  proxy.recorder?.noteCredentials(request)

  const timeout = new AbortController()
  let timedOut = false
  const timer = setTimeout(() => {
    timedOut = true
    timeout.abort()
  }, proxy.timeoutMs)
  const hasBody =
    request.method !== 'GET' && request.method !== 'HEAD' && exchange.bodyBytes.byteLength > 0
  let answer: Response
  try {
    answer = await proxy.fetch(target, {
      method: request.method,
      headers,
      // The caller's bytes, not the decoded text: a byte-order mark or a non-UTF-8 charset goes
      // upstream as sent.
      body: hasBody ? exchange.bodyBytes : undefined,
      signal: AbortSignal.any([request.signal, timeout.signal]),
      redirect: 'manual',
    })
  } catch (error) {
    clearTimeout(timer)
    throw upstreamFailure(exchange, proxy, target, error, timedOut)
  }

  exchange.forwarded = true
  exchange.requestId = answer.headers.get(vendor.requestIdHeader) ?? ''
  const codings = (answer.headers.get('content-encoding') ?? '')
    .split(',')
    .map((coding) => coding.trim().toLowerCase())
    .filter((coding) => coding !== '')
  const nullBody = NULL_BODY_STATUSES.has(answer.status)
  // undici decodes only when it knows every coding, and never a HEAD's or a null body's.
  const decoded =
    codings.length > 0 &&
    codings.every((coding) => FETCH_DECODES.has(coding)) &&
    request.method !== 'HEAD' &&
    !nullBody
  // Bytes still in a coding the proxy cannot read pass on as they are, unchecked.
  const readable = codings.length === 0 || decoded
  const outHeaders = new AnswerHeaders()
  for (const [name, value] of answer.headers) {
    const lower = name.toLowerCase()
    // The length is set below from the bytes the caller gets.
    if (HOP_BY_HOP.has(lower) || lower === 'content-length' || lower === 'set-cookie') continue
    if (lower === 'content-encoding' && decoded) continue
    outHeaders.append(name, value)
  }
  for (const cookie of answer.headers.getSetCookie()) outHeaders.append('set-cookie', cookie)
  const unlisted = statusViolation(exchange.operationId, operation, answer.status)
  if (unlisted) violations.push(unlisted)
  const schema = responseSchemaFor(vendor, adapter, operation, answer.status)
  const init = { status: answer.status, statusText: answer.statusText, headers: outHeaders }

  if (answer.ok && answer.body && readable && adapter?.streaming?.includes(operation.id)) {
    clearTimeout(timer)
    // Lines found after the headers left go on the journal entry and the log, not the header.
    if (violations.length > 0) outHeaders.set('X-Mock-Violations', String(violations.length))
    exchange.response = answerOf(
      {
        stream: answer.body.pipeThrough(
          lineInspector(exchange, proxy, adapter, violations, answer.headers.get('content-type')),
        ),
      },
      init,
    )
    return
  }

  let bytes: Uint8Array<ArrayBuffer>
  try {
    bytes = new Uint8Array(await answer.arrayBuffer())
  } catch (error) {
    throw upstreamFailure(exchange, proxy, target, error, timedOut)
  } finally {
    clearTimeout(timer)
  }
  // The caller gets `bytes` untouched; the checks, the recorder and the journal read a decoded copy.
  const text = readable
    ? textDecoderFor(answer.headers.get('content-type')).decode(bytes)
    : `(${bytes.byteLength} bytes in Content-Encoding ${codings.join(', ')}, passed on unread)`
  let body: unknown
  let parsed = false
  if (readable && text !== '') {
    try {
      body = JSON.parse(text)
      parsed = true
    } catch {
      // Not JSON: a violation below when the operation has a schema for this status.
    }
  }
  if (schema && readable) {
    violations.push(
      ...(parsed
        ? validateResponseBody(exchange.operationId, schema, body)
        : [notJson(exchange.operationId)]),
    )
  }
  if (answer.ok && parsed) await record(exchange, proxy, answer.status, body)
  if (violations.length > 0) outHeaders.set('X-Mock-Violations', String(violations.length))
  proxy.violations.add(session.name, exchange.operationId, violations)
  if (nullBody) {
    exchange.response = answerOf(null, init)
    return
  }
  outHeaders.set('content-length', String(bytes.byteLength))
  exchange.response = knownBytesResponse(bytes, text, init)
}

/**
 * Passes a streamed answer through unchanged while checking and recording it line by line (one
 * JSON object per line, as grpc-gateway streams). Linear in the answer: lines are split once.
 */
function lineInspector(
  exchange: Exchange,
  proxy: ProxyRuntime,
  adapter: ProxyAdapter<never>,
  violations: Violation[],
  contentType: string | null,
): TransformStream<Uint8Array, Uint8Array> {
  const decoder = textDecoderFor(contentType)
  let rest = ''
  let line = 0
  const inspect = async (text: string) => {
    line++
    if (text.trim() === '') return
    const where = `line ${line}`
    let body: unknown
    try {
      body = JSON.parse(text)
    } catch {
      keepViolations(violations, [notJson(exchange.operationId, where)])
      return
    }
    const { vendor, operation } = exchange
    const schema = operation && responseSchemaFor(vendor, adapter, operation, 200, body)
    keepViolations(violations, validateResponseBody(exchange.operationId, schema, body, where))
    if (adapter.ingest) await record(exchange, proxy, 200, body)
  }
  return new TransformStream({
    async transform(chunk, controller) {
      controller.enqueue(chunk)
      const lines = (rest + decoder.decode(chunk, { stream: true })).split('\n')
      rest = lines.pop() ?? ''
      for (const text of lines) await inspect(text)
    },
    async flush() {
      rest += decoder.decode()
      if (rest !== '') await inspect(rest)
      proxy.violations.add(sessionOf(exchange).name, exchange.operationId, violations)
    },
  })
}

/** Violations one streamed answer lists at most (its journal entry and report stay bounded). */
export const MAX_STREAM_VIOLATIONS = 100

/**
 * Adds a streamed answer's violations up to {@link MAX_STREAM_VIOLATIONS}, then one that says the
 * rest went unlisted: an upstream streaming two million bad lines must not fill the heap.
 */
function keepViolations(violations: Violation[], found: Violation[]): void {
  for (const violation of found) {
    if (violations.length > MAX_STREAM_VIOLATIONS) return
    violations.push(violations.length < MAX_STREAM_VIOLATIONS ? violation : UNLISTED_VIOLATIONS)
  }
}

const UNLISTED_VIOLATIONS: Violation = {
  where: 'response',
  path: 'body',
  message: `more violations in this streamed answer are not listed (at most ${MAX_STREAM_VIOLATIONS} are kept)`,
}

async function record(
  exchange: Exchange,
  proxy: ProxyRuntime,
  status: number,
  body: unknown,
): Promise<void> {
  if (!proxy.recorder || !exchange.operation) return
  let requestBody: unknown
  try {
    requestBody = exchange.bodyText === '' ? undefined : JSON.parse(exchange.bodyText)
  } catch {
    requestBody = undefined
  }
  await proxy.recorder.ingest(
    exchange.vendor.name,
    {
      operation: exchange.operation.id,
      request: exchange.request,
      url: exchange.url,
      params: exchange.params,
      requestBody,
      status,
      body,
    },
    sessionOf(exchange).clock.now(),
  )
}

/** The system error code behind a failed `fetch` (undici puts it on `cause`). */
function causeCode(error: unknown): string | undefined {
  const cause = (error as { cause?: { code?: unknown; errors?: Array<{ code?: unknown }> } })?.cause
  const code = cause?.code ?? cause?.errors?.[0]?.code ?? (error as { code?: unknown })?.code
  return typeof code === 'string' ? code : undefined
}

/**
 * The vendor-shaped answer to an upstream that failed: 503 when nothing accepted the connection
 * (as Envoy answers an unreachable upstream), 504 when it did not answer in time, 502 for a reset
 * or any other broken answer (503 for a vendor whose catalogue has no 502).
 */
function upstreamFailure(
  exchange: Exchange,
  proxy: ProxyRuntime,
  target: URL,
  error: unknown,
  timedOut: boolean,
): MockStatusError {
  const where = `${exchange.vendor.title} upstream ${target.origin}`
  if (timedOut) {
    return new MockStatusError(
      504,
      `${where} did not answer within ${proxy.timeoutMs} ms`,
      'upstream',
    )
  }
  const code = causeCode(error)
  if (code === 'ECONNREFUSED') {
    return new MockStatusError(503, `${where} refused the connection (ECONNREFUSED)`, 'upstream')
  }
  const message = `${where} failed: ${code ?? (error as Error)?.message ?? String(error)}`
  const badGateway = new MockStatusError(502, message, 'upstream')
  // A vendor whose catalogue has no 502 (Snowflake's renderer turns it into a 500) says 503.
  const rendered = renderFor(exchange, badGateway)
  return rendered.status === 502 ? badGateway : new MockStatusError(503, message, 'upstream')
}
