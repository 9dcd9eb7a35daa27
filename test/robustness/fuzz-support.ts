import fc from 'fast-check'
import { getResponse } from 'msw'
import { expect } from 'vitest'
import { createMock, type Mock } from '../../index.ts'

/** One generated request against the mock. */
export interface FuzzRequest {
  method: string
  path: string
  headers?: Record<string, string>
  body?: string
}

const ORIGIN = 'http://fuzz.test'

/** Strings that break naive parsers: traversal, unicode, control characters, huge, empty. */
export const hostileString = fc.oneof(
  fc.constantFrom(
    '../../etc/passwd',
    '..%2F..%2Fsecret',
    '%00',
    '%',
    '%zz',
    '"',
    '""',
    "'; DROP TABLE x;--",
    '\u202e\u0000',
    '🐳'.repeat(40),
    ' ',
  ),
  fc.string({ unit: 'binary', maxLength: 64 }),
  fc.string({ unit: 'grapheme', maxLength: 64 }),
  fc.nat({ max: 3 }).map((n) => 'x'.repeat([300, 5_000, 70_000, 1_100_000][n] as number)),
)

/** Numbers that break naive paging: negative, NaN, fractions, huge, not numbers at all. */
export const hostileNumber = fc.oneof(
  fc.constantFrom(
    '-1',
    'NaN',
    'Infinity',
    '1e309',
    '0.5',
    '',
    ' ',
    '0x10',
    '99999999999999999999',
    'abc',
    '-0',
  ),
  fc.integer().map(String),
  fc.double().map(String),
)

/** Request bodies that are not what any operation wants. */
export const hostileBody = fc.oneof(
  fc.constantFrom('', '{', 'null', '[]', '"text"', '42', 'true', '{"a":', '\u0000', '{}'.repeat(3)),
  fc.json(),
  fc.jsonValue().map((v) => JSON.stringify(v)),
  fc.nat({ max: 1 }).map((n) => JSON.stringify({ name: 'y'.repeat(n ? 1_100_000 : 100_000) })),
)

/** Answers a request in-process, failing on a hang (10 s). */
export async function send(mock: Mock, request: FuzzRequest): Promise<Response> {
  const init: RequestInit = { method: request.method, headers: request.headers, body: request.body }
  const answer = getResponse(mock.handlers, new Request(`${ORIGIN}${request.path}`, init))
  const timeout = new Promise<never>((_, reject) =>
    setTimeout(
      () => reject(new Error(`no answer in 10 s: ${request.method} ${request.path.slice(0, 200)}`)),
      10_000,
    ),
  )
  const response = await Promise.race([answer, timeout])
  if (!response)
    throw new Error(`no handler answered ${request.method} ${request.path.slice(0, 200)}`)
  return response
}

/** Only the stores: the clock and journal move with every request by design. */
async function storesOf(mock: Mock): Promise<string> {
  return JSON.stringify((await mock.exportState()).stores)
}

/**
 * Runs a property over generated requests: every answer is below 500, a 4xx has the vendor's
 * envelope, nothing hangs, and a refused request leaves the stores exactly as they were.
 */
export async function checkOperation(
  arbitrary: fc.Arbitrary<FuzzRequest>,
  isVendorEnvelope: (body: unknown) => boolean,
  runs = 60,
): Promise<void> {
  const mock = createMock({ seed: 3 })
  await mock.ready
  await fc.assert(
    fc.asyncProperty(arbitrary, async (request) => {
      const before = await storesOf(mock)
      const response = await send(mock, request)
      const text = await response.text()
      const where = `${request.method} ${request.path.slice(0, 160)} → ${response.status} ${text.slice(0, 300)}`
      expect(response.status, where).toBeLessThan(500)
      if (response.status >= 400) {
        expect(isVendorEnvelope(JSON.parse(text)), `not the vendor's envelope: ${where}`).toBe(true)
        expect(await storesOf(mock), `state changed after a refused request: ${where}`).toBe(before)
      }
    }),
    { numRuns: runs, seed: 20261125, endOnFailure: true },
  )
}
