import fc from 'fast-check'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { SWR_ACCESS_KEY } from '../../fixtures/swr.ts'
import { type Harness, startHarness, TRANSPORTS } from '../support/harness.ts'
import { expectSwrError, expectSwrShape } from './contract.ts'
import { sdkDate, signWithHuaweiSigner } from './signing.ts'

const LIST = '/v2/manage/shared-repositories'
const UNAUTHORIZED = 'SVCSTG.SWR.4010000'
const MINUTE = 60_000

describe.each(TRANSPORTS)('SWR authentication (%s)', (transport) => {
  let h: Harness
  beforeEach(async () => {
    h = await startHarness(transport)
  })
  afterEach(() => h.close())

  /** Signs with Huawei's own signer and sends; `tamper` may change the request afterwards. */
  function sendSigned(
    options: Partial<Parameters<typeof signWithHuaweiSigner>[0]> = {},
    tamper: (request: { url: string; headers: Record<string, string> }) => void = () => {},
  ) {
    const signed = signWithHuaweiSigner({
      baseUrl: h.baseUrl,
      path: LIST,
      // Not in sorted order: the verifier must sort, as the signer does.
      query: { offset: '0', limit: '5', center: 'self' },
      ...options,
    })
    tamper(signed)
    return h.fetch(signed.url, { headers: signed.headers })
  }

  describe('IAM token', () => {
    it('accepts any non-empty X-Auth-Token', async () => {
      const response = await h.fetch(`${LIST}?center=self`, {
        headers: {
          'X-Auth-Token': 'MIIEXAYJKoZIhvcNAQcCoIIETTCCBEkCAQEx',
          'Content-Type': 'application/json',
        },
      })
      expect(response.status).toBe(200)
    })

    it('answers 401 without credentials', async () => {
      await expectSwrError(
        await h.fetch(`${LIST}?center=self`, { headers: { 'Content-Type': 'application/json' } }),
        401,
        UNAUTHORIZED,
        /Authentication required: send an IAM token in X-Auth-Token, or sign the request with AK\/SK/,
      )
    })

    it('answers 401 for an empty X-Auth-Token', async () => {
      await expectSwrError(
        await h.fetch(`${LIST}?center=self`, {
          headers: { 'X-Auth-Token': ' ', 'Content-Type': 'application/json' },
        }),
        401,
        UNAUTHORIZED,
        /X-Auth-Token is empty/,
      )
    })

    it('checks credentials before parameters: 401, not 400, for a bad query without credentials', async () => {
      await expectSwrError(
        await h.fetch(`${LIST}?center=nope`),
        401,
        UNAUTHORIZED,
        /Authentication required/,
      )
    })
  })

  describe('AK/SK signing (SDK-HMAC-SHA256)', () => {
    it("accepts a request signed by Huawei's signer with the default access key", async () => {
      const response = await sendSigned()
      const body = await response.json()
      expect(response.status, JSON.stringify(body)).toBe(200)
      expectSwrShape('ListSharedReposDetailsResponseBody', body)
      expect(body).toHaveLength(5)
      expect(response.headers.get('content-range')).toBe('0-5/12')
    })

    it('accepts the legacy filter form and characters the signer must escape', async () => {
      const queries: Array<Record<string, string>> = [
        { filter: 'center::self|name::busybox' },
        { center: 'self', name: "bus y*box!'()~" },
        { center: 'self', name: '镜像-ünïcode' },
      ]
      for (const query of queries) {
        const response = await sendSigned({ query })
        expect(response.status, await response.clone().text()).toBe(200)
      }
    })

    it('accepts extra signed headers such as X-Project-Id, and unsigned ones it ignores', async () => {
      const response = await sendSigned(
        { headers: { 'X-Project-Id': '5b1e8a2c9d3f4e6a7b8c9d0e1f2a3b4c' } },
        (r) => {
          r.headers['X-Unsigned'] = 'anything'
        },
      )
      expect(response.status).toBe(200)
    })

    it('takes the payload hash from X-Sdk-Content-Sha256 when the client signs UNSIGNED-PAYLOAD', async () => {
      const response = await sendSigned({ headers: { 'X-Sdk-Content-Sha256': 'UNSIGNED-PAYLOAD' } })
      expect(response.status).toBe(200)
      const tampered = await sendSigned(
        { headers: { 'X-Sdk-Content-Sha256': 'UNSIGNED-PAYLOAD' } },
        (r) => {
          r.headers['X-Sdk-Content-Sha256'] =
            'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'
        },
      )
      await expectSwrError(tampered, 401, UNAUTHORIZED, /verify aksk signature fail/)
    })

    it('accepts a signing date near the session clock, for replayed requests', async () => {
      const response = await sendSigned({ date: h.mock.clock.now() })
      expect(response.status).toBe(200)
    })

    it('answers 401 for an unknown access key', async () => {
      await expectSwrError(
        await sendSigned({ ak: 'UNKNOWNACCESSKEY0000' }),
        401,
        UNAUTHORIZED,
        /Incorrect IAM authentication information: access key "UNKNOWNACCESSKEY0000" does not exist/,
      )
    })

    it('answers 401 for a wrong secret key, and shows the canonical request it expected', async () => {
      const body = await expectSwrError(
        await sendSigned({ sk: 'not-the-secret' }),
        401,
        UNAUTHORIZED,
        /Incorrect IAM authentication information: verify aksk signature fail/,
      )
      const detail = body.errors[0]?.detail as string
      expect(detail).toContain(
        'canonical request:\nGET\n/v2/manage/shared-repositories/\ncenter=self&limit=5&offset=0\n',
      )
      expect(detail).toMatch(/string to sign:\nSDK-HMAC-SHA256\n\d{8}T\d{6}Z\n[0-9a-f]{64}$/)
    })

    it('answers 401 when the query is changed after signing', async () => {
      await expectSwrError(
        await sendSigned({}, (r) => {
          r.url = r.url.replace('offset=0', 'offset=5')
        }),
        401,
        UNAUTHORIZED,
        /verify aksk signature fail/,
      )
    })

    it('answers 401 when a signed header is changed or missing after signing', async () => {
      await expectSwrError(
        await sendSigned({ headers: { 'X-Project-Id': 'a' } }, (r) => {
          r.headers['X-Project-Id'] = 'b'
        }),
        401,
        UNAUTHORIZED,
        /verify aksk signature fail/,
      )
      await expectSwrError(
        await sendSigned({ headers: { 'X-Project-Id': 'a' } }, (r) => {
          delete r.headers['X-Project-Id']
        }),
        401,
        UNAUTHORIZED,
        /signed header "x-project-id" is not in the request/,
      )
    })

    it('answers 401 for a stale or future X-Sdk-Date', async () => {
      const oldest = Math.min(Date.now(), h.mock.clock.now())
      const latest = Math.max(Date.now(), h.mock.clock.now())
      for (const date of [oldest - 16 * MINUTE, latest + 16 * MINUTE]) {
        await expectSwrError(
          await sendSigned({ date }),
          401,
          UNAUTHORIZED,
          new RegExp(
            `the signature has expired: X-Sdk-Date ${sdkDate(date)} is more than 15 minutes away`,
          ),
        )
      }
      expect((await sendSigned({ date: Date.now() - 14 * MINUTE })).status).toBe(200)
    })

    it('answers 401 without X-Sdk-Date or with a malformed one', async () => {
      await expectSwrError(
        await sendSigned({}, (r) => {
          delete r.headers['X-Sdk-Date']
        }),
        401,
        UNAUTHORIZED,
        /X-Sdk-Date is required with AK\/SK signing/,
      )
      for (const bad of ['2026-03-02T09:00:00Z', '20260230T090000Z', '20260302T250000Z']) {
        await expectSwrError(
          await sendSigned({}, (r) => {
            r.headers['X-Sdk-Date'] = bad
          }),
          401,
          UNAUTHORIZED,
          new RegExp(`X-Sdk-Date "${bad}" is not a UTC time of the form yyyyMMddTHHmmssZ`),
        )
      }
    })

    it.each([
      ['another scheme', 'Bearer abc'],
      ['no signature', `SDK-HMAC-SHA256 Access=${SWR_ACCESS_KEY}, SignedHeaders=host`],
      [
        'a short signature',
        `SDK-HMAC-SHA256 Access=${SWR_ACCESS_KEY}, SignedHeaders=host, Signature=abc`,
      ],
      [
        'a part without =',
        `SDK-HMAC-SHA256 Access=${SWR_ACCESS_KEY}, SignedHeaders, Signature=${'a'.repeat(64)}`,
      ],
      [
        'an empty signed header name',
        `SDK-HMAC-SHA256 Access=${SWR_ACCESS_KEY}, SignedHeaders=host;;x-sdk-date, Signature=${'a'.repeat(64)}`,
      ],
    ])('answers 401 for an Authorization header with %s', async (_label, authorization) => {
      await expectSwrError(
        await h.fetch(`${LIST}?center=self`, {
          headers: {
            Authorization: authorization,
            'X-Sdk-Date': sdkDate(Date.now()),
            'Content-Type': 'application/json',
          },
        }),
        401,
        UNAUTHORIZED,
        /the Authorization header must read "SDK-HMAC-SHA256 Access=<AK>, SignedHeaders=<names>, Signature=<64 hex digits>"/,
      )
    })

    it('lets an X-Auth-Token decide when the Authorization header is not an SDK signature', async () => {
      const response = await h.fetch(`${LIST}?center=self`, {
        headers: {
          Authorization: 'Basic cHJveHk6cGFzcw==',
          'X-Auth-Token': 'test-iam-token',
          'Content-Type': 'application/json',
        },
      })
      expect(response.status).toBe(200)
    })

    it('verifies the signature even when an X-Auth-Token is sent too', async () => {
      await expectSwrError(
        await sendSigned({ sk: 'wrong' }, (r) => {
          r.headers['X-Auth-Token'] = 'valid-looking-token'
        }),
        401,
        UNAUTHORIZED,
        /verify aksk signature fail/,
      )
    })

    it('accepts every query the SDK signer can sign (property)', async () => {
      const value = fc.string({ unit: 'grapheme', minLength: 1, maxLength: 12 })
      await fc.assert(
        fc.asyncProperty(value, value, async (name, extra) => {
          const response = await sendSigned({ query: { center: 'self', name, zz_extra: extra } })
          expect(response.status, await response.clone().text()).toBe(200)
        }),
        { numRuns: 40, seed: 20_260_302 },
      )
    })
  })

  it('lets every request through with auth off', async () => {
    await h.close()
    h = await startHarness(transport, { auth: false })
    const response = await h.fetch(`${LIST}?center=self`, {
      headers: { 'Content-Type': 'application/json' },
    })
    expect(response.status).toBe(200)
  })
})
