import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { setupServer } from 'msw/node'
import type { MockOptions } from '../../core/mock.ts'
import { createMock, type Mock } from '../../index.ts'
import { createApp } from '../../server/app.ts'

/** How a test reaches the mock: in-process through msw/node, or over HTTP through Express. */
export type Transport = 'msw' | 'express'

export const TRANSPORTS: Transport[] = ['msw', 'express']

/** A running mock and a base URL to send real `fetch` requests to. */
export interface Harness {
  mock: Mock
  baseUrl: string
  /** `fetch` relative to the base URL. */
  fetch(path: string, init?: RequestInit): Promise<Response>
  close(): Promise<void>
}

const MSW_ORIGIN = 'http://mock.test'

let mswServer: ReturnType<typeof setupServer> | undefined

/**
 * Starts a fresh mock. In `msw` mode one msw/node server per test file is reused with the new
 * mock's handlers; in `express` mode a real server listens on a free loopback port.
 */
export async function startHarness(
  transport: Transport,
  options: MockOptions = {},
): Promise<Harness> {
  const mock = createMock(options)
  await mock.ready
  if (transport === 'msw') {
    if (!mswServer) {
      mswServer = setupServer()
      mswServer.listen({ onUnhandledRequest: 'error' })
    }
    mswServer.resetHandlers(...mock.handlers)
    return {
      mock,
      baseUrl: MSW_ORIGIN,
      fetch: (path, init) => fetch(`${MSW_ORIGIN}${path}`, init),
      close: async () => {
        mswServer?.resetHandlers()
      },
    }
  }
  // msw/node would intercept the fetches meant for the real server.
  mswServer?.close()
  mswServer = undefined
  const server: Server = await new Promise((resolve) => {
    const s = createApp(mock).listen(0, '127.0.0.1', () => resolve(s))
  })
  const { port } = server.address() as AddressInfo
  const baseUrl = `http://127.0.0.1:${port}`
  return {
    mock,
    baseUrl,
    fetch: (path, init) => fetch(`${baseUrl}${path}`, init),
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}
