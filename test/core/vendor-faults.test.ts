import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { CYCLE_HUBS } from '../../fixtures/cycle.ts'
import type { OperationId } from '../../index.ts'
import { type Harness, startHarness, TRANSPORTS } from '../support/harness.ts'

interface VendorCase {
  vendor: string
  /** The retryable statuses the vendor publishes (SWR's gateway has 429 and 502, no 503). */
  retryable: readonly number[]
  operation: OperationId
  path: string
  headers: Record<string, string>
  requestIdHeader: string | undefined
  check(body: Record<string, unknown>, status: number, requestId: string): void
}

/** One read per vendor, with the credentials it needs, and how its error envelope looks. */
const VENDORS: VendorCase[] = [
  {
    vendor: 'snowflake',
    retryable: [429, 503],
    operation: 'snowflake.listImageRepositories',
    path: '/api/v2/databases/ml_platform/schemas/images/image-repositories',
    headers: { Authorization: 'Bearer t' },
    requestIdHeader: 'x-snowflake-request-id',
    check: (body: Record<string, unknown>, status: number, requestId: string) => {
      expect(Object.keys(body).sort()).toEqual(['code', 'error_code', 'message', 'request_id'])
      expect(body.request_id).toBe(requestId)
      expect(String(body.code)).toMatch(/^\d{6}$/)
      void status
    },
  },
  {
    vendor: 'rhacs',
    retryable: [429, 503],
    operation: 'rhacs.ImageService_ListImages',
    path: '/v1/images',
    headers: { Authorization: 'Bearer t' },
    requestIdHeader: 'x-request-id',
    check: (body: Record<string, unknown>, status: number) => {
      expect(Object.keys(body).sort()).toEqual(['code', 'details', 'error', 'message'])
      expect(body.code).toBe(status === 429 ? 8 : 14)
    },
  },
  {
    vendor: 'swr',
    retryable: [429, 502],
    operation: 'swr.ListSharedReposDetails',
    path: '/v2/manage/shared-repositories?center=self',
    headers: { 'X-Auth-Token': 't', 'Content-Type': 'application/json' },
    requestIdHeader: 'x-request-id',
    check: (body: Record<string, unknown>, _status: number, requestId: string) => {
      // Throttling and backend failures come from Huawei's API gateway, in its own body.
      expect(String(body.error_code)).toMatch(/^APIG\.\d{4}$/)
      expect(typeof body.error_msg).toBe('string')
      expect(body.request_id).toBe(requestId)
    },
  },
  {
    vendor: 'cycle',
    retryable: [429, 503],
    operation: 'cycle.getImageSources',
    path: '/v1/images/sources',
    headers: { Authorization: 'Bearer t', 'X-Hub-Id': CYCLE_HUBS.main.id },
    requestIdHeader: undefined,
    check: (body: Record<string, unknown>, status: number) => {
      expect(body.data).toBeNull()
      const error = body.error as Record<string, unknown>
      expect(error.status).toBe(status)
      expect(String(error.code)).toMatch(new RegExp(`^${status}\\.`))
      expect(typeof error.title).toBe('string')
    },
  },
]

describe.each(TRANSPORTS)('injected faults in each vendor envelope (%s)', (transport) => {
  let h: Harness
  beforeEach(async () => {
    h = await startHarness(transport)
  })
  afterEach(() => h.close())

  for (const v of VENDORS) {
    it.each(v.retryable)(
      `${v.vendor}: a %i from a fault rule has the vendor's envelope, request id and Retry-After`,
      async (status) => {
        h.mock.faults.add({
          match: { operation: v.operation },
          effect: { status, retryAfter: 7 },
          times: 1,
        })
        const failed = await h.fetch(v.path, { headers: v.headers })
        expect(failed.status).toBe(status)
        expect(failed.headers.get('retry-after')).toBe('7')
        const requestId = v.requestIdHeader ? (failed.headers.get(v.requestIdHeader) ?? '') : ''
        if (v.requestIdHeader) expect(requestId.length).toBeGreaterThan(8)
        v.check(await failed.json(), status, requestId)
        expect((await h.fetch(v.path, { headers: v.headers })).status).toBe(200)
      },
    )

    it(`${v.vendor}: a dropped connection rejects the fetch and the next request is served`, async () => {
      h.mock.faults.add({
        match: { operation: v.operation },
        effect: { network: 'reset' },
        times: 1,
      })
      await expect(h.fetch(v.path, { headers: v.headers })).rejects.toThrow()
      expect((await h.fetch(v.path, { headers: v.headers })).status).toBe(200)
    })
  }
})
