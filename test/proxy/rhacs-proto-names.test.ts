import { afterEach, describe, expect, it } from 'vitest'
import { ADMIN } from '../rhacs/helpers.ts'
import { type Harness, startHarness, TRANSPORTS } from '../support/harness.ts'
import { type Listening, serveMock } from './support.ts'

const open: Array<Listening | Harness> = []
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()))
})

const JSON_HEADERS = { ...ADMIN, 'Content-Type': 'application/json' }

/** A proxy in front of a mock upstream, and a mock answering itself, both on this transport. */
async function setup(transport: (typeof TRANSPORTS)[number]) {
  const upstream = await serveMock({ seed: 3 })
  open.push(upstream)
  const proxy = await startHarness(transport, { proxy: { upstreams: { rhacs: upstream.url } } })
  open.push(proxy)
  return { upstream, proxy }
}

describe.each(TRANSPORTS)('RHACS proto field names (%s)', (transport) => {
  it('ScanImage takes a body in proto names, as StackRox’s admission-control script sends it', async () => {
    const body = JSON.stringify({
      image_name: 'quay.io/proto/names:v1',
      force: true,
      include_snoozed: null,
    })
    // The mock's own handler reads it as protojson does.
    const direct = await startHarness(transport, { seed: 3 })
    open.push(direct)
    const own = await direct.fetch('/v1/images/scan', {
      method: 'POST',
      headers: JSON_HEADERS,
      body,
    })
    expect(own.status).toBe(200)
    expect((await own.json()).name.fullName).toBe('quay.io/proto/names:v1')

    const { proxy } = await setup(transport)
    const through = await proxy.fetch('/v1/images/scan', {
      method: 'POST',
      headers: JSON_HEADERS,
      body,
    })
    expect(through.status).toBe(200)
    expect(through.headers.get('x-mock-violations')).toBeNull()
    const [entry] = proxy.mock.journal.find({ operation: 'rhacs.ImageService_ScanImage' })
    expect(entry?.violations).toEqual([])
  })

  it.each([
    ['both names', '{"image_name":"quay.io/a/b:1","imageName":"quay.io/a/c:1"}', '"imageName"'],
    ['one of them null', '{"imageName":null,"image_name":"quay.io/a/b:1"}', '"image_name"'],
    ['the same name twice', '{"force":true,"force":false,"image_name":"quay.io/a/b:1"}', '"force"'],
  ])(
    'a field given twice, %s, is protojson’s 400 duplicate field, directly and through the proxy',
    async (_what, body, key) => {
      const direct = await startHarness(transport, { seed: 3 })
      open.push(direct)
      const own = await direct.fetch('/v1/images/scan', {
        method: 'POST',
        headers: JSON_HEADERS,
        body,
      })
      const { proxy } = await setup(transport)
      const through = await proxy.fetch('/v1/images/scan', {
        method: 'POST',
        headers: JSON_HEADERS,
        body,
      })
      for (const answer of [own, through]) {
        expect(answer.status).toBe(400)
        expect(await answer.json()).toMatchObject({
          code: 3,
          message: `proto: duplicate field ${key}`,
        })
      }
    },
  )

  it('an unknown field given under two names is discarded, as grpc-gateway discards unknown fields', async () => {
    const direct = await startHarness(transport, { seed: 3 })
    open.push(direct)
    const own = await direct.fetch('/v1/images/scan', {
      method: 'POST',
      headers: JSON_HEADERS,
      body: '{"image_name":"quay.io/a/b:1","not_a_field":1,"notAField":2}',
    })
    expect(own.status).toBe(200)
  })

  it('a body field of the wrong type is a violation under either name', async () => {
    const { proxy } = await setup(transport)
    for (const name of ['image_name', 'imageName']) {
      const through = await proxy.fetch('/v1/images/scan', {
        method: 'POST',
        headers: JSON_HEADERS,
        body: JSON.stringify({ [name]: 7 }),
      })
      expect(through.status).toBe(400)
      expect(through.headers.get('x-mock-violations')).toBe('1')
    }
    const paths = proxy.mock.journal.find().flatMap((e) => e.violations?.map((v) => v.path) ?? [])
    expect(paths).toEqual(['body.imageName', 'body.imageName'])
  })

  it('a query parameter is read under its proto name as under its JSON name', async () => {
    const { proxy } = await setup(transport)
    const { images } = await (await proxy.fetch('/v1/images', { headers: ADMIN })).json()
    const get = `/v1/images/${images[0].id}`
    for (const name of ['include_snoozed', 'includeSnoozed']) {
      const good = await proxy.fetch(`${get}?${name}=true`, { headers: ADMIN })
      expect(good.status).toBe(200)
      expect(good.headers.get('x-mock-violations')).toBeNull()
      const bad = await proxy.fetch(`${get}?${name}=maybe`, { headers: ADMIN })
      expect(bad.status).toBe(400)
      expect(bad.headers.get('x-mock-violations')).toBe('1')
    }
    const paths = proxy.mock.journal.find().flatMap((e) => e.violations?.map((v) => v.path) ?? [])
    expect(paths).toEqual(['query.includeSnoozed', 'query.includeSnoozed'])
  })
})
