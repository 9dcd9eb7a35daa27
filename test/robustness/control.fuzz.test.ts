import fc from 'fast-check'
import { describe, it } from 'vitest'
import { checkOperation, hostileBody, hostileNumber, hostileString } from './fuzz-support.ts'

const isControlError = (body: unknown) => {
  const error = (body as { error?: { status?: unknown; message?: unknown } })?.error
  return (
    typeof error?.status === 'number' &&
    typeof error.message === 'string' &&
    error.message.length > 0
  )
}

const hostileRule = fc.oneof(
  hostileBody,
  fc
    .record(
      {
        match: fc.record(
          { operation: hostileString, path: hostileString, method: hostileString },
          { requiredKeys: [] },
        ),
        effect: fc.record(
          { status: fc.integer(), delayMs: fc.integer(), network: hostileString },
          { requiredKeys: [] },
        ),
        probability: fc.double(),
        times: fc.integer(),
        after: fc.integer(),
        every: fc.integer(),
      },
      { requiredKeys: [] },
    )
    .map((r) => JSON.stringify(r)),
  fc
    .nat({ max: 2000 })
    .map((n) => JSON.stringify(Array.from({ length: n }, () => ({ effect: { status: 500 } })))),
)

describe('control API under hostile input', () => {
  it('POST /__mock/faults: huge lists, invalid globs, negative probabilities get a 400', () =>
    checkOperation(
      fc.record({
        method: fc.constant('POST'),
        path: fc.constant('/__mock/faults'),
        body: hostileRule,
      }),
      isControlError,
      80,
    ))

  it('POST /__mock/reset, /__mock/clock and PUT /__mock/state refuse bad bodies with a 400', () =>
    checkOperation(
      fc
        .record({
          method: fc.constantFrom('POST', 'POST', 'PUT'),
          path: fc.constantFrom('/__mock/reset', '/__mock/clock', '/__mock/state'),
          body: hostileBody,
        })
        .filter(
          (r) =>
            !(r.method === 'PUT' && r.path !== '/__mock/state') &&
            !(r.method === 'POST' && r.path === '/__mock/state'),
        ),
      isControlError,
      80,
    ))

  it('GET /__mock/journal refuses bad filters with a 400', () =>
    checkOperation(
      fc.record({
        method: fc.constant('GET'),
        path: fc
          .tuple(fc.constantFrom('status', 'limit', 'afterId', 'operation'), hostileNumber)
          .map(([k, v]) => `/__mock/journal?${k}=${encodeURIComponent(v)}`),
      }),
      isControlError,
      60,
    ))
})
