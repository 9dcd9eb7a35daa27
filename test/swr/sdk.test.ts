import { BasicCredentials } from '@huaweicloud/huaweicloud-sdk-core'
import { ClientRequestException } from '@huaweicloud/huaweicloud-sdk-core/exception/ClientRequestException.js'
import { Logger4jInstance } from '@huaweicloud/huaweicloud-sdk-core/logger/log4jLogger.js'
import { ListSharedReposDetailsRequest, SwrClient } from '@huaweicloud/huaweicloud-sdk-swr'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { SWR_ACCESS_KEY, SWR_ACCOUNT, SWR_SECRET_KEY } from '../../fixtures/swr.ts'
import { type Harness, startHarness, TRANSPORTS } from '../support/harness.ts'
import { expectSwrShape } from './contract.ts'

// The SDK logs every failed call with its full axios config; the tests assert the failures instead.
Logger4jInstance.level = 'off'

/** What the SDK resolves to: the parsed array, with the Content-Range header copied onto it. */
type SdkList = Array<Record<string, unknown>> & {
  'Content-Range'?: string
  httpStatusCode?: number
}

/**
 * Huawei's own Node SDK (axios over node:http) against the mock: intercepted in-process by
 * msw/node, or over a real socket to the Express server.
 */
describe.each(TRANSPORTS)("SWR through Huawei's Node SDK (%s)", (transport) => {
  let h: Harness
  beforeEach(async () => {
    h = await startHarness(transport)
  })
  afterEach(() => h.close())

  function client(sk = SWR_SECRET_KEY): SwrClient {
    const credentials = new BasicCredentials()
      .withAk(SWR_ACCESS_KEY)
      .withSk(sk)
      .withProjectId(SWR_ACCOUNT.projectId)
    return SwrClient.newBuilder().withCredential(credentials).withEndpoint(h.baseUrl).build()
  }

  async function expectRejected(promise: Promise<unknown>): Promise<ClientRequestException> {
    const error = await promise.then(
      () => undefined,
      (e: unknown) => e,
    )
    expect(error).toBeInstanceOf(ClientRequestException)
    return error as ClientRequestException
  }

  it('lists the repositories the account shares, signed with AK/SK, and reads every field', async () => {
    const request = new ListSharedReposDetailsRequest()
      .withCenter('self')
      .withLimit('5')
      .withOffset('0')
      .withOrderColumn('name')
      .withOrderType('asc')
    const result = (await client().listSharedReposDetails(request)) as unknown as SdkList
    expect(result.httpStatusCode).toBe(200)
    expect(result['Content-Range']).toBe('0-5/12')
    const repos = [...result]
    expectSwrShape('ListSharedReposDetailsResponseBody', repos)
    expect(repos).toHaveLength(5)
    const names = repos.map((r) => r.name as string)
    expect(names).toEqual([...names].sort())
    for (const repo of repos) {
      expect(repo.domain_name).toBe(SWR_ACCOUNT.domainName)
      expect(repo.path).toBe(`${SWR_ACCOUNT.registry}/${repo.namespace}/${repo.name}`)
      expect(repo.tags).toHaveLength(repo.num_images as number)
      expect(repo.total_range).toBe(12)
      expect(repo.status).toBe(false)
    }
    const journal = h.mock.journal.find({ operation: 'swr.ListSharedReposDetails' })
    expect(journal.at(-1)?.query).toEqual({
      center: 'self',
      limit: '5',
      offset: '0',
      order_column: 'name',
      order_type: 'asc',
    })
  })

  it('lists repositories shared with the account through the legacy filter form', async () => {
    const request = new ListSharedReposDetailsRequest()
      .withCenter('thirdparty')
      .withFilter('center::thirdparty|limit::3|offset::3')
    const result = (await client().listSharedReposDetails(request)) as unknown as SdkList
    expect(result['Content-Range']).toBe('3-3/8')
    expect(result.every((r) => r.domain_name !== SWR_ACCOUNT.domainName)).toBe(true)
  })

  it('finds the docs example repository by name', async () => {
    const request = new ListSharedReposDetailsRequest().withCenter('self').withName('busybox')
    const result = (await client().listSharedReposDetails(request)) as unknown as SdkList
    expect(result.map((r) => r.name)).toEqual(['busybox'])
    expect(result['Content-Range'], 'no paging, no Content-Range').toBeUndefined()
  })

  it('verifies a query the SDK sends out of sorted order (center, name, limit, offset)', async () => {
    const request = new ListSharedReposDetailsRequest()
      .withCenter('self')
      .withName('busybox')
      .withLimit('1')
      .withOffset('0')
      .withNamespace('acme-platform')
    const result = (await client().listSharedReposDetails(request)) as unknown as SdkList
    expect(result['Content-Range']).toBe('0-1/1')
    const sent = h.mock.journal.find({ operation: 'swr.ListSharedReposDetails' }).at(-1)
    expect(Object.keys(sent?.query ?? {})).not.toEqual(Object.keys(sent?.query ?? {}).sort())
  })

  it('surfaces a wrong secret key as a 401 ClientRequestException with the SWR code and request id', async () => {
    const error = await expectRejected(
      client('wrong-secret').listSharedReposDetails(
        new ListSharedReposDetailsRequest().withCenter('self'),
      ),
    )
    expect(error.httpStatusCode).toBe(401)
    expect(error.errorCode).toBe('SVCSTG.SWR.4010000')
    expect(error.errorMsg).toMatch(/verify aksk signature fail/)
    const logged = h.mock.journal.find({ status: 401 }).at(-1)
    expect(error.requestId).toBe(logged?.requestId)
    expect(error.requestId).toMatch(/^[0-9a-f]{32}$/)
  })

  it('surfaces an invalid center as a 400 ClientRequestException', async () => {
    const error = await expectRejected(
      client().listSharedReposDetails(new ListSharedReposDetailsRequest().withCenter('everyone')),
    )
    expect(error.httpStatusCode).toBe(400)
    expect(error.errorCode).toBe('SVCSTG.SWR.4000014')
    expect(error.errorMsg).toMatch(/center "everyone" is not valid/)
  })
})
