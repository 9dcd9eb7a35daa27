import { setupServer } from 'msw/node'
import type { MockOptions } from './core/mock.ts'
import { ERROR_ON_UNHANDLED } from './core/msw-compat.ts'
import { createMock, type Mock } from './index.ts'

export { ERROR_ON_UNHANDLED } from './core/msw-compat.ts'
export * from './index.ts'

/** A mock already listening through msw/node: call `close()` when done. */
export interface NodeMock extends Mock {
  server: ReturnType<typeof setupServer>
  close(): void
}

/**
 * Starts intercepting `fetch` in this process. Unhandled requests error, so a test never silently
 * reaches the network.
 */
export async function startMock(options: MockOptions = {}): Promise<NodeMock> {
  const mock = createMock(options)
  const server = setupServer(...mock.handlers)
  server.listen(ERROR_ON_UNHANDLED)
  await mock.ready
  return Object.assign(mock, { server, close: () => server.close() })
}
