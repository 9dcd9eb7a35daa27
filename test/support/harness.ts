import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { setupServer } from 'msw/node'
import type { MockOptions } from '../../core/mock.ts'
import { createMock, type Mock } from '../../index.ts'
import { createApp } from '../../server/app.ts'

/** How a test reaches the mock: in-process through msw/node, or over HTTP through Express. */
export type Transport = 'msw' | 'express'

/**
 * The transports each harness test runs through: both, unless `TEST_TRANSPORTS` names some
 * (comma-separated, e.g. `msw`; `npm run test:quick` runs the in-process one only).
 */
export const TRANSPORTS: Transport[] = transports(process.env.TEST_TRANSPORTS)

function transports(list: string | undefined): Transport[] {
  const all: Transport[] = ['msw', 'express']
  if (list === undefined || list.trim() === '') return all
  const names = list.split(',').map((name) => name.trim())
  const unknown = names.filter((name) => !all.includes(name as Transport))
  if (unknown.length > 0) {
    throw new Error(`TEST_TRANSPORTS: unknown transport "${unknown[0]}"; use msw, express or both`)
  }
  return all.filter((transport) => names.includes(transport))
}

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
 * Stops the harness's msw/node server, if one listens, so that requests of later tests (of this
 * file or, in `npm run test:quick`, of the next: test/support/shared-modules.ts) reach the network.
 */
export function closeMswServer(): void {
  mswServer?.close()
  mswServer = undefined
}

/**
 * Starts a fresh mock. In `msw` mode an msw/node server intercepts `fetch` with the mock's
 * handlers until `close()` (one at a time: a second harness takes the server over); in `express`
 * mode a real server listens on a free loopback port.
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
      // Not left listening for the tests after this one: those that run through msw only
      // (TEST_TRANSPORTS=msw) would find their own msw/node servers' requests intercepted too.
      close: async () => closeMswServer(),
    }
  }
  // msw/node would intercept the fetches meant for the real server.
  closeMswServer()
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
