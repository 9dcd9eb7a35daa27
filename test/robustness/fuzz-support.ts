import fc from 'fast-check'
import { getResponse } from 'msw'
import { expect } from 'vitest'
import type { MockOptions } from '../../core/mock.ts'
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
  // Names that plain-object lookups (`table[name]`, `name in table`) find on Object.prototype.
  fc.constantFrom('__proto__', 'constructor', 'toString', 'valueOf', 'hasOwnProperty'),
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

/**
 * A hostile string that can travel as a header value: `fetch` refuses NUL, CR, LF and anything
 * beyond Latin-1 in headers before the mock sees them, so those become `?`.
 */
export const hostileHeader = hostileString.map((s) => s.replace(/[^\t\x20-\x7e\x80-\xff]/g, '?'))

/**
 * JSON objects that also carry `__proto__` or `constructor.prototype` keys, which pollute
 * Object.prototype when a handler merges a body naively ({@link checkOperation} checks it does not).
 */
export function withPrototypeKeys(
  objects: fc.Arbitrary<Record<string, unknown>>,
): fc.Arbitrary<string> {
  return fc
    .tuple(
      objects,
      fc.constantFrom(
        '"__proto__":{"polluted":true}',
        '"constructor":{"prototype":{"polluted":true}}',
        '"__proto__":null',
      ),
    )
    .map(([object, key]) => {
      const rest = JSON.stringify(object).slice(1)
      return `{${key}${rest === '}' ? '' : ','}${rest}`
    })
}

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

/** What {@link checkOperation} may do beyond its defaults. */
export interface CheckOptions {
  /** Options of the mock under test (the seed stays {@link FUZZ_SEED} unless given). */
  mock?: MockOptions
  /** Runs once on the fresh mock before the property, e.g. to create records to aim at. */
  prepare?: (mock: Mock) => Promise<void>
  /** Requests tried before the generated ones: regressions, named after what they broke. */
  examples?: FuzzRequest[]
  /** Checks a 2xx answer against the vendor's contract; throws when it does not match. */
  checkSuccess?: (text: string, response: Response, request: FuzzRequest) => void
}

/** The seed of every mock the properties run against. */
export const FUZZ_SEED = 3

/**
 * Runs a property over generated requests: every answer is below 500, a 4xx has the vendor's
 * envelope, nothing hangs, and a refused request leaves the stores exactly as they were.
 * `arbitrary` may be a function of the (prepared) mock, to aim at the records it holds;
 * `isVendorEnvelope` may throw to say what is wrong with an error body.
 */
export async function checkOperation(
  arbitrary: fc.Arbitrary<FuzzRequest> | ((mock: Mock) => fc.Arbitrary<FuzzRequest>),
  isVendorEnvelope: (body: unknown, response: Response) => boolean,
  runs = 60,
  options: CheckOptions = {},
): Promise<void> {
  const mock = createMock({ seed: FUZZ_SEED, ...options.mock })
  await mock.ready
  await options.prepare?.(mock)
  const requests = typeof arbitrary === 'function' ? arbitrary(mock) : arbitrary
  await fc.assert(
    fc.asyncProperty(requests, async (request) => {
      const before = await storesOf(mock)
      const response = await send(mock, request)
      const text = await response.text()
      const where = `${request.method} ${request.path.slice(0, 160)} → ${response.status} ${text.slice(0, 300)}`
      expect(response.status, where).toBeLessThan(500)
      expect(({} as { polluted?: unknown }).polluted, `Object.prototype polluted: ${where}`).toBe(
        undefined,
      )
      if (response.status >= 400) {
        let shaped: boolean
        try {
          shaped = isVendorEnvelope(JSON.parse(text), response)
        } catch (error) {
          throw new Error(`not the vendor's envelope: ${clipped(error)}\n  after ${where}`)
        }
        expect(shaped, `not the vendor's envelope: ${where}`).toBe(true)
        expect(await storesOf(mock), `state changed after a refused request: ${where}`).toBe(before)
      } else if (options.checkSuccess) {
        try {
          options.checkSuccess(text, response, request)
        } catch (error) {
          throw new Error(`${clipped(error)}\n  after ${where}`)
        }
      }
    }),
    {
      numRuns: runs,
      seed: 20261125,
      endOnFailure: true,
      examples: (options.examples ?? []).map((example) => [example]),
    },
  )
}

function clipped(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).slice(0, 2000)
}
