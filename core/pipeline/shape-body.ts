import { AnswerHeaders, answerBytes } from '../answer.ts'
import type { Exchange } from './exchange.ts'

/**
 * What a `network: garbage` fault sends instead of an answer: a TLS alert record (a peer speaking
 * TLS where HTTP was expected) and text no HTTP parser accepts. Fixed, so replays are identical.
 */
export const GARBAGE_BYTES: Uint8Array = new TextEncoder().encode(
  '\u0015\u0003\u0003\u0000\u0002\u0002\u0028\u0000NOT HTTP: injected garbage\r\n',
)

/** The longest pause between two chunks of a `bytesPerSecond` body at 20 B/s and more, ms. */
const DRIBBLE_TICK_MS = 50

/**
 * How a `bytesPerSecond` body is paced: `chunk` bytes every `tickMs` ms, so that
 * `chunk × 1000 / tickMs` is exactly the rate. At 20 B/s and more a chunk is the whole bytes a
 * {@link DRIBBLE_TICK_MS} tick allows (at least 1) and the tick shrinks to fit; below, one byte
 * goes every `1000 / rate` ms (1 B/s: one byte a second), rather than a byte a tick, which would
 * send 20 B/s whatever the rate.
 */
export function dribblePace(bytesPerSecond: number): { chunk: number; tickMs: number } {
  const chunk = Math.max(1, Math.floor((bytesPerSecond * DRIBBLE_TICK_MS) / 1000))
  return { chunk, tickMs: (chunk * 1000) / bytesPerSecond }
}

/**
 * Cuts or slows the answer's body for a `network: truncate` or `effect.bytesPerSecond` fault, after
 * the journal has the real answer. Truncate keeps the status, the headers and the real answer's
 * `Content-Length`, sends the first `bytes` of the body and then fails the body stream (a socket
 * transport closes the connection there; `fetch` rejects the read). When `bytes` is the body's
 * length or more, the whole body goes, without `Content-Length` (so chunked over a socket), and
 * the stream fails before the message's end (a socket transport closes the connection without
 * the last chunk): the client still sees a cut answer, as the journal says. Slowed bodies send
 * `bytesPerSecond` bytes a second, paced as {@link dribblePace} says, each chunk due at its
 * time from the first (so timer lateness does not add up).
 */
export async function shapeBody(exchange: Exchange): Promise<void> {
  const { response, request } = exchange
  const rule = exchange.faults.find((r) => r.effect.bytesPerSecond !== undefined)
  const rate = rule?.effect.bytesPerSecond
  const truncate =
    exchange.network === 'truncate' ? exchange.faults.at(-1)?.effect.bytes : undefined
  if (!response || (rate === undefined && truncate === undefined)) return
  if (exchange.network !== null && exchange.network !== 'truncate') return
  const whole = await answerBytes(response.body)
  const sent = truncate === undefined ? whole : whole.subarray(0, Math.min(truncate, whole.length))
  const headers = new AnswerHeaders(response.headers)
  // A cut that keeps every byte can only show as a message without its end: no length to miss.
  if (truncate !== undefined && truncate >= whole.length) headers.delete('Content-Length')
  else headers.set('Content-Length', String(whole.byteLength))
  const pace = rate === undefined ? { chunk: sent.length, tickMs: 0 } : dribblePace(rate)
  let offset = 0
  let started = 0
  let ticks = 0
  let timer: ReturnType<typeof setTimeout> | undefined
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (offset >= sent.length) {
        if (truncate !== undefined) controller.error(new TypeError('connection closed mid-body'))
        else controller.close()
        return
      }
      const next = () => {
        if (request.aborted) return controller.error(new TypeError('client gone'))
        controller.enqueue(sent.slice(offset, offset + pace.chunk))
        offset += pace.chunk
      }
      if (rate === undefined) return next()
      if (offset === 0) {
        started = performance.now()
        return next()
      }
      const due = started + ++ticks * pace.tickMs
      return new Promise<void>((resolve) => {
        timer = setTimeout(
          () => {
            next()
            resolve()
          },
          Math.max(0, due - performance.now()),
        )
      })
    },
    cancel() {
      clearTimeout(timer)
    },
  })
  exchange.response = {
    status: response.status,
    statusText: response.statusText,
    headers,
    // A socket transport writes it as it comes, not read whole first.
    body: whole.length === 0 && truncate === undefined ? null : { stream: body, shaped: true },
  }
}
