import { afterEach, describe, expect, it } from 'vitest'
import { type Harness, startHarness, TRANSPORTS } from '../support/harness.ts'

// Every control path answers a method it does not serve with a 405 naming the ones it does, in
// the control API's envelope; the paths and their methods come from the served OpenAPI document.

const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']

describe.each(TRANSPORTS)('control API methods (%s)', (transport) => {
  let h: Harness
  afterEach(() => h.close())

  it('answers a method a control path does not serve with 405 and Allow', async () => {
    h = await startHarness(transport)
    const document = await (await h.fetch('/__mock/openapi.json')).json()
    const control = Object.entries(document.paths as Record<string, object>).filter(([path]) =>
      path.startsWith('/__mock'),
    )
    expect(control.length).toBeGreaterThan(10)
    let refused = 0
    for (const [template, operations] of control) {
      const served = Object.keys(operations).map((m) => m.toUpperCase())
      if (served.includes('GET')) served.push('HEAD')
      const path = template.replace(/\{[^}]+\}/g, 'x')
      for (const method of METHODS.filter((m) => !served.includes(m))) {
        const response = await h.fetch(path, { method })
        const where = `${method} ${path}`
        expect(response.status, where).toBe(405)
        expect(response.headers.get('allow')?.split(', ').sort(), where).toEqual(
          [...new Set(served)].sort(),
        )
        if (method === 'HEAD') continue
        const body = await response.json()
        expect(body, where).toEqual({
          error: {
            status: 405,
            message: `${method} is not allowed on ${path}; it takes ${response.headers.get('allow')}`,
          },
        })
        refused++
      }
    }
    expect(refused).toBeGreaterThan(20)
  })

  it('answers a path under /__mock that no route serves with 404 in the same envelope', async () => {
    h = await startHarness(transport)
    const response = await h.fetch('/__mock/nothing-here', { method: 'PATCH' })
    expect(response.status).toBe(404)
    expect(await response.json()).toEqual({
      error: {
        status: 404,
        message:
          'no control API route at PATCH /__mock/nothing-here; GET /__mock/openapi.json lists them',
      },
    })
  })
})
