import type { Exchange } from './exchange.ts'

/**
 * What a `network: garbage` fault sends instead of an answer: a TLS alert record (a peer speaking
 * TLS where HTTP was expected) and text no HTTP parser accepts. Fixed, so replays are identical.
 */
export const GARBAGE_BYTES: Uint8Array = new TextEncoder().encode(
  '\u0015\u0003\u0003\u0000\u0002\u0002\u0028\u0000NOT HTTP: injected garbage\r\n',
)

/**
 * The raw bytes a transport with a socket writes, then closes, in place of an answer that is a
 * dropped connection (`Response.error()`): `GARBAGE_BYTES` for `garbage`, none for `empty`. A
 * dropped connection not in this map is a reset.
 */
export const RAW_ANSWERS = new WeakMap<Response, Uint8Array>()

/**
 * Answers whose body a fault cuts or slows: a socket transport streams them as they come (not
 * read whole first, though they carry a `Content-Length`).
 */
export const SHAPED_BODIES = new WeakSet<Response>()

/** How often a `bytesPerSecond` body sends its next chunk, ms. */
const DRIBBLE_TICK_MS = 50

/**
 * Cuts or slows the answer's body for a `network: truncate` or `effect.bytesPerSecond` fault, after
 * the journal has the real answer. Truncate keeps the status, the headers and the real answer's
 * `Content-Length`, sends the first `bytes` of the body and then fails the body stream (a socket
 * transport closes the connection there; `fetch` rejects the read). Slowed bodies send
 * `bytesPerSecond` bytes a second, in chunks every {@link DRIBBLE_TICK_MS} ms.
 */
export async function shapeBody(exchange: Exchange): Promise<void> {
  const { response, request } = exchange
  const rule = exchange.faults.find((r) => r.effect.bytesPerSecond !== undefined)
  const rate = rule?.effect.bytesPerSecond
  const truncate =
    exchange.network === 'truncate' ? exchange.faults.at(-1)?.effect.bytes : undefined
  if (!response || (rate === undefined && truncate === undefined)) return
  if (exchange.network !== null && exchange.network !== 'truncate') return
  const whole = new Uint8Array(await response.arrayBuffer())
  const sent = truncate === undefined ? whole : whole.subarray(0, Math.min(truncate, whole.length))
  const headers = new Headers(response.headers)
  headers.set('Content-Length', String(whole.byteLength))
  const chunk =
    rate === undefined ? sent.length : Math.max(1, Math.round((rate * DRIBBLE_TICK_MS) / 1000))
  let offset = 0
  let timer: ReturnType<typeof setTimeout> | undefined
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (offset >= sent.length) {
        if (truncate !== undefined) controller.error(new TypeError('connection closed mid-body'))
        else controller.close()
        return
      }
      const next = () => {
        if (request.signal.aborted) return controller.error(new TypeError('client gone'))
        controller.enqueue(sent.slice(offset, offset + chunk))
        offset += chunk
      }
      if (rate === undefined || offset === 0) return next()
      return new Promise<void>((resolve) => {
        timer = setTimeout(() => {
          next()
          resolve()
        }, DRIBBLE_TICK_MS)
      })
    },
    cancel() {
      clearTimeout(timer)
    },
  })
  exchange.response = new Response(whole.length === 0 && truncate === undefined ? null : body, {
    status: response.status,
    statusText: response.statusText,
    headers,
  })
  SHAPED_BODIES.add(exchange.response)
}
