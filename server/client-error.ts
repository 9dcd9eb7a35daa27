import type { Server } from 'node:http'
import type { Duplex } from 'node:stream'

/** Node's parser errors with the status a request that fails them gets. */
const STATUS_OF: Record<string, [number, string]> = {
  HPE_HEADER_OVERFLOW: [431, 'Request Header Fields Too Large'],
  HPE_URI_TOO_LONG: [414, 'URI Too Long'],
}

/**
 * Answers a request Node's HTTP parser refuses before any handler sees it (no `Host`, a folded
 * header, two `Content-Length`s, a bad chunk size, headers past 16 KB) with a JSON error in the
 * control API's envelope that says what was wrong, instead of Node's bare `400` with no body. No
 * vendor is known yet: the request line itself may be what failed. The connection then closes.
 */
export function answerMalformedRequests(server: Server): void {
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) => {
    // A client that has gone, or a request cut off by a timeout, gets no answer to read.
    if (error.code === 'ECONNRESET' || !socket.writable) return void socket.destroy()
    const [status, reason] = STATUS_OF[error.code ?? ''] ?? [400, 'Bad Request']
    const body = JSON.stringify({
      error: {
        status,
        message: `Malformed HTTP request (${error.code ?? 'parse error'}): ${error.message}`,
      },
    })
    socket.end(
      `HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    )
  })
}
