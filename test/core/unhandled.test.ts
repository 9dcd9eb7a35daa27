import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { setupServer } from 'msw/node'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createMock } from '../../index.ts'
import { startMock } from '../../node.ts'

// A real server on loopback: if the mock's handlers let a request through, this one answers it.
let server: Server
let reached = 0
let unrelated: string

beforeAll(async () => {
  server = createServer((_req, res) => {
    reached++
    res.end('real network')
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  unrelated = `http://127.0.0.1:${(server.address() as AddressInfo).port}/anything`
})
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())))

describe('requests the mock does not serve reach msw’s unhandled-request guard', () => {
  it('startMock() fails a fetch to an unrelated URL instead of reaching the network', async () => {
    const mock = await startMock({ seed: 1 })
    const errors = silenceConsoleErrors()
    try {
      const before = reached
      await expect(fetch(unrelated), 'an unrelated URL is refused').rejects.toThrow()
      expect(reached, 'the real server saw nothing').toBe(before)
      const served = await fetch('http://x.test/__mock/health')
      expect(served.status, 'the control API is still answered').toBe(200)
    } finally {
      errors.restore()
      mock.close()
    }
  })

  it("setupServer(...mock.handlers) with onUnhandledRequest: 'error' refuses it too", async () => {
    const mock = createMock({ seed: 1 })
    const msw = setupServer(...mock.handlers)
    msw.listen({ onUnhandledRequest: 'error' })
    const errors = silenceConsoleErrors()
    try {
      const before = reached
      await expect(fetch(unrelated)).rejects.toThrow()
      expect(reached).toBe(before)
      // Vendor paths on any host stay the mock's, including its 404s for unknown routes.
      const vendor404 = await fetch('http://x.test/v1/images/sources/x/y/z', {
        headers: { Authorization: 'Bearer t', 'X-Hub-Id': 'x' },
      })
      expect(vendor404.status, 'unknown vendor routes keep the vendor envelope').toBeLessThan(500)
      expect(reached).toBe(before)
    } finally {
      errors.restore()
      msw.close()
    }
  })
})

/** msw prints the unhandled request as an error; keep the test output readable. */
function silenceConsoleErrors(): { restore(): void } {
  const original = console.error
  console.error = () => {}
  return {
    restore: () => {
      console.error = original
    },
  }
}
