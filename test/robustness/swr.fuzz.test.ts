import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { DEFAULT_EPOCH } from '../../core/clock.ts'
import { SWR_ACCESS_KEY, SWR_NAMESPACES } from '../../fixtures/swr.ts'
import { QUERY_KEYS } from '../../handlers/swr/query.ts'
import { formatSdkDate } from '../../handlers/swr/signer.ts'
import { expectSwrShape } from '../swr/contract.ts'
import { signWithHuaweiSigner } from '../swr/signing.ts'
import {
  checkOperation,
  type FuzzRequest,
  hostileHeader,
  hostileNumber,
  hostileString,
} from './fuzz-support.ts'

const LIST = '/v2/manage/shared-repositories'
/** Auth is checked before anything else, so the query properties send valid credentials. */
const AUTH = { 'X-Auth-Token': 'fuzz', 'Content-Type': 'application/json' }

/** SWR's envelope: `error_code`/`error_msg`, mirrored in `errors[]`, and a request id. */
const isSwrError = (body: unknown, response: Response) => {
  expectSwrShape('ErrorBody', body)
  const b = body as { error_code: string; error_msg: string; errors: unknown }
  expect(b.error_code).toMatch(/^SVCSTG\.SWR\.\d{7}$/)
  expect(b.error_msg.length, 'error_msg says what is wrong').toBeGreaterThan(0)
  expect(b.errors).toEqual([
    { errorCode: b.error_code, errorMessage: b.error_msg, detail: expect.any(String) },
  ])
  expect(response.headers.get('x-request-id')).toMatch(/^[0-9a-f]{32}$/)
  return true
}

/** A 200 is the contract's list; with paging, `Content-Range` is `{offset}-{count}/{total}`. */
function checkList(text: string, response: Response) {
  const body = JSON.parse(text) as Array<{ total_range: number }>
  expectSwrShape('ListSharedReposDetailsResponseBody', body)
  const range = response.headers.get('content-range')
  if (range !== null) {
    expectSwrShape('ContentRangeHeader', range)
    const [, count, total] = /^\d+-(\d+)\/(\d+)$/.exec(range)?.map(Number) ?? []
    expect(count, 'Content-Range counts the items served').toBe(body.length)
    for (const item of body) expect(item.total_range).toBe(total)
  }
}

/** A right value per parameter, so the hostile ones meet a query that gets further. */
const RIGHT: Record<(typeof QUERY_KEYS)[number], fc.Arbitrary<string>> = {
  center: fc.constantFrom('self', 'thirdparty'),
  namespace: fc.constantFrom(...SWR_NAMESPACES),
  name: fc.constantFrom('nginx', 'busybox', 'redis', 'order-service'),
  limit: fc.constantFrom('1', '5', '10'),
  offset: fc.constantFrom('0', '5', '10'),
  order_column: fc.constantFrom('name', 'updated_time', 'updated_at', 'tag_count'),
  order_type: fc.constantFrom('asc', 'desc'),
}
const anyValue = fc.oneof(hostileString, hostileNumber)
const key = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...QUERY_KEYS) },
  {
    weight: 2,
    arbitrary: fc.constantFrom('filter', 'unknown', 'Center', 'center[]', 'LIMIT', 'page'),
  },
  { weight: 1, arbitrary: hostileString },
)
/** A key and a value: mostly the right kind of value for the key, sometimes anything. */
const pair = key.chain((k) =>
  fc.tuple(
    fc.constant(k),
    Object.hasOwn(RIGHT, k)
      ? fc.oneof({ weight: 3, arbitrary: RIGHT[k as keyof typeof RIGHT] }, anyValue)
      : anyValue,
  ),
)
/** Query pairs, usually led by a right `center` (it is required), keys possibly repeated. */
const pairsOf = (maxLength: number) =>
  fc
    .tuple(
      fc.option(
        RIGHT.center.map((c) => ['center', c] as [string, string]),
        { freq: 4 },
      ),
      fc.array(pair, { maxLength }),
    )
    .map(([center, rest]) => (center ? [center, ...rest] : rest))
const pairs = pairsOf(4)
const toQuery = (list: ReadonlyArray<readonly [string, string]>) =>
  list.length
    ? `?${list.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&')}`
    : ''

/** `filter=key::value|key::value`, with unknown keys, missing `::`, empty and doubled entries. */
const legacyFilter = fc
  .tuple(
    pairsOf(2).map((list) => list.map(([k, v]) => `${k}::${v}`)),
    fc.option(
      fc.oneof(hostileString, fc.constantFrom('', '::', 'center:self', 'center::', '::self', '|')),
      { freq: 3 },
    ),
  )
  .map(([entries, odd]) => [...entries, ...(odd === null ? [] : [odd])].join('|'))

const discreteForm: fc.Arbitrary<FuzzRequest> = fc.record({
  method: fc.constant('GET'),
  path: pairs.map((list) => `${LIST}${toQuery(list)}`),
  headers: fc.constant(AUTH),
})

const legacyForm: fc.Arbitrary<FuzzRequest> = fc.record({
  method: fc.constant('GET'),
  path: fc
    .tuple(
      fc.oneof(
        { weight: 4, arbitrary: legacyFilter.map((f) => [f]) },
        // A repeated filter is refused, however right each one is.
        { weight: 1, arbitrary: fc.array(legacyFilter, { minLength: 2, maxLength: 3 }) },
      ),
      // Discrete parameters beside the filter: agreeing, contradicting, or unrelated.
      fc.option(pair, { freq: 2 }).map((extra) => (extra ? toQuery([extra]) : '')),
    )
    .map(([filters, q]) => {
      const legacy = filters.map((f) => `filter=${encodeURIComponent(f)}`).join('&')
      return `${LIST}?${legacy}${q.replace(/^\?/, '&')}`
    }),
  headers: fc.constant(AUTH),
})

/** `yyyyMMddTHHmmssZ` now, on the session's clock, malformed, impossible, or far away. */
const sdkDate = fc.oneof(
  { weight: 3, arbitrary: fc.constant(formatSdkDate(Date.now())) },
  { weight: 1, arbitrary: fc.constant(formatSdkDate(DEFAULT_EPOCH)) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      '20260230T000000Z',
      '20260302T250000Z',
      '19700101T000000Z',
      '2026-03-02',
      '',
    ),
  },
  { weight: 1, arbitrary: hostileHeader },
)
const hex64 = fc.string({
  unit: fc.constantFrom(...'0123456789abcdef'),
  minLength: 64,
  maxLength: 64,
})
/** Mostly well-formed signature headers, so the verifier gets past parsing to each later check. */
const signatureHeader = fc
  .record({
    access: fc.oneof({ weight: 3, arbitrary: fc.constant(SWR_ACCESS_KEY) }, hostileHeader),
    signed: fc.oneof(
      fc.constantFrom('host;x-sdk-date', 'content-type;host;x-sdk-date', 'x-missing', ';', ''),
      fc.array(hostileHeader, { minLength: 1, maxLength: 3 }).map((names) => names.join(';')),
    ),
    signature: fc.oneof({ weight: 3, arbitrary: hex64 }, hostileHeader),
  })
  .map(
    ({ access, signed, signature }) =>
      `SDK-HMAC-SHA256 Access=${access}, SignedHeaders=${signed}, Signature=${signature}`,
  )
const contentType = fc.oneof(
  { weight: 3, arbitrary: fc.constant('application/json') },
  fc.constantFrom(
    'application/json;charset=utf-8',
    'text/plain',
    'application/json; charset=latin1',
  ),
  hostileHeader,
)

/** Missing, empty, malformed and half-right credentials and content types. */
const hostileAuth: fc.Arbitrary<FuzzRequest> = fc.record({
  method: fc.constant('GET'),
  path: fc.constantFrom(
    `${LIST}?center=self`,
    `${LIST}?filter=center::thirdparty&limit=5&offset=0`,
  ),
  headers: fc.oneof(
    // An IAM token alone.
    fc.record({ 'X-Auth-Token': hostileHeader, 'Content-Type': contentType }),
    // An AK/SK signature, with or without a token beside it (the signature decides).
    fc.record(
      {
        Authorization: signatureHeader,
        'X-Sdk-Date': sdkDate,
        'Content-Type': contentType,
        'X-Auth-Token': fc.constant('fuzz'),
      },
      { requiredKeys: ['Authorization', 'X-Sdk-Date'] },
    ),
    // Anything at all, or nothing.
    fc.record(
      {
        'X-Auth-Token': hostileHeader,
        Authorization: hostileHeader,
        'X-Sdk-Date': sdkDate,
        'Content-Type': contentType,
      },
      { requiredKeys: [] },
    ),
  ) as fc.Arbitrary<Record<string, string>>,
})

/**
 * Requests signed by Huawei's own SDK signer over hostile query values: the mock must verify every
 * one of them, so a 401 here means its canonical request differs from the SDK's.
 */
const sdkSigned: fc.Arbitrary<FuzzRequest> = pairs
  // The SDK takes a record: one value per name.
  .map((list) => Object.fromEntries(list))
  .map((query) => {
    const signed = signWithHuaweiSigner({ baseUrl: 'http://fuzz.test', path: LIST, query })
    return { method: 'GET', path: signed.url, headers: signed.headers }
  })

describe('SWR ListSharedReposDetails under malformed input', () => {
  it(
    'discrete query parameters: never a 5xx or a hang; refusals are SWR-shaped and change nothing',
    () => checkOperation(discreteForm, isSwrError, 80, { checkSuccess: checkList }),
    60_000,
  )

  it(
    'the legacy filter=center::…|name::… form: never a 5xx; refusals are SWR-shaped and change nothing',
    () => checkOperation(legacyForm, isSwrError, 60, { checkSuccess: checkList }),
    60_000,
  )

  it(
    'hostile X-Auth-Token, Authorization, X-Sdk-Date and Content-Type headers get SWR 400/401, never a 5xx',
    () =>
      checkOperation(hostileAuth, isSwrError, 80, {
        checkSuccess: checkList,
        examples: [
          // A signed header name that is not a token made Headers.get() throw: a 500.
          {
            method: 'GET',
            path: `${LIST}?center=self`,
            headers: {
              Authorization: `SDK-HMAC-SHA256 Access=${SWR_ACCESS_KEY}, SignedHeaders=host;a b, Signature=${'0'.repeat(64)}`,
              'X-Sdk-Date': formatSdkDate(Date.now()),
              'Content-Type': 'application/json',
            },
          },
        ],
      }),
    60_000,
  )

  it(
    'a request signed by Huawei’s SDK signer is never a 401, whatever its query',
    () =>
      checkOperation(
        sdkSigned,
        (body, response) => {
          expect(response.status, 'the SDK signed this request').not.toBe(401)
          return isSwrError(body, response)
        },
        60,
        { checkSuccess: checkList },
      ),
    60_000,
  )
})
