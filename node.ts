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

/** The mock `startMock()` started and not yet closed: msw/node intercepts once per process. */
let active: NodeMock | undefined

/**
 * Starts intercepting `fetch` in this process. Unhandled requests error, so a test never silently
 * reaches the network. One at a time per process: a second call while the first is open rejects
 * (two interceptors would journal one request twice and leave the first deaf once the second
 * closes); `close()` the first, or share it (see the error message).
 */
export async function startMock(options: MockOptions = {}): Promise<NodeMock> {
  if (active) {
    throw new Error(
      'startMock(): a mock started by startMock() is already intercepting in this process; msw/node intercepts once per process. ' +
        'Share that one (create it in a setup module and import it where needed, reset it with mock.reset() between tests, ' +
        "and use mock.session('name') for isolated worlds), or call close() on it before starting another. " +
        'For several independent mocks, use createMock() and pass all their handlers to one setupServer().',
    )
  }
  const mock = createMock(options)
  const server = setupServer(...mock.handlers)
  const started: NodeMock = Object.assign(mock, {
    server,
    close: () => {
      if (active === started) active = undefined
      server.close()
    },
  })
  active = started
  try {
    server.listen(ERROR_ON_UNHANDLED)
    await mock.ready
  } catch (error) {
    started.close()
    throw error
  }
  return started
}
