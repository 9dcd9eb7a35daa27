import { afterEach, describe, expect, it } from 'vitest'
import { type Harness, startHarness, TRANSPORTS } from '../support/harness.ts'
import { signWithHuaweiSigner } from '../swr/signing.ts'
import { type Listening, serveMock } from './support.ts'

const open: Array<Listening | Harness> = []
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()))
})

const LIST = '/v2/manage/shared-repositories'
const ZERO_SIGNATURE = '0'.repeat(64)

describe.each(TRANSPORTS)('SWR re-signing through the proxy (%s)', (transport) => {
  async function setup() {
    const upstream = await serveMock()
    open.push(upstream)
    const proxy = await startHarness(transport, { proxy: { upstreams: { swr: upstream.url } } })
    open.push(proxy)
    const sign = (sk?: string) =>
      signWithHuaweiSigner({ baseUrl: proxy.baseUrl, path: LIST, query: { center: 'self' }, sk })
    return { upstream, proxy, sign }
  }

  it('re-signs a request whose signature it verified', async () => {
    const { upstream, proxy, sign } = await setup()
    const signed = sign()
    const answer = await proxy.fetch(signed.url, { headers: signed.headers })
    expect(answer.status).toBe(200)
    expect(upstream.mock.journal.find()).toHaveLength(1)
  })

  it.each([
    ['signed with a wrong secret key', (headers: Record<string, string>) => headers],
    [
      'with an all-zero signature',
      (headers: Record<string, string>) => ({
        ...headers,
        Authorization: (headers.Authorization as string).replace(
          /Signature=[0-9a-f]{64}/,
          `Signature=${ZERO_SIGNATURE}`,
        ),
      }),
    ],
  ])('refuses a request %s as SWR does, and never forwards it', async (what, edit) => {
    const { upstream, proxy, sign } = await setup()
    const signed = sign(what.includes('wrong') ? 'not-the-secret-key' : undefined)
    const headers = edit(signed.headers)
    const through = await proxy.fetch(signed.url, { headers })
    expect(through.status).toBe(401)
    const body = await through.json()
    expect(body.error_code).toBe('SVCSTG.SWR.4010000')
    expect(body.error_msg).toMatch(/verify aksk signature fail/)
    expect(upstream.mock.journal.find()).toHaveLength(0)
    // The same request sent to the mock itself gets the same refusal.
    const direct = await startHarness(transport)
    open.push(direct)
    const self = await direct.fetch(signed.url, { headers })
    expect(self.status).toBe(401)
    expect((await self.json()).error_code).toBe(body.error_code)
  })
})
