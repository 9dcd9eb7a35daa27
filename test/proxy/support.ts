import { createServer, type RequestListener, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { MockOptions } from '../../core/mock.ts'
import { createMock, type Mock } from '../../index.ts'
import { createApp } from '../../server/app.ts'

/** A listening server on a random loopback port. */
export interface Listening {
  url: string
  close(): Promise<void>
}

/** Listens on 127.0.0.1 on a free port. */
export async function listen(server: Server): Promise<Listening> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}

/** A mock served over HTTP by the standalone server's Express app. */
export interface Served extends Listening {
  mock: Mock
  fetch(path: string, init?: RequestInit): Promise<Response>
}

/** Starts a mock with these options behind the Express app on a loopback port. */
export async function serveMock(options: MockOptions = {}): Promise<Served> {
  const mock = createMock(options)
  await mock.ready
  const server = await listen(createServer(createApp(mock) as unknown as RequestListener))
  return { ...server, mock, fetch: (path, init) => fetch(`${server.url}${path}`, init) }
}

/** A plain node:http server answering with `handler` (a deliberately wrong upstream). */
export async function serveRaw(handler: RequestListener): Promise<Listening> {
  return listen(createServer(handler))
}

/** A loopback port that nothing listens on (it was free a moment ago). */
export async function closedPort(): Promise<string> {
  const server = await listen(createServer())
  await server.close()
  return server.url
}

/** What a caller can compare of an answer: status, the headers that carry meaning, the bytes. */
export async function snapshot(response: Response, headers: readonly string[]) {
  return {
    status: response.status,
    headers: Object.fromEntries(headers.map((h) => [h, response.headers.get(h)])),
    body: Buffer.from(await response.arrayBuffer()).toString('base64'),
  }
}
