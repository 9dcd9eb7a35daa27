import { afterEach, describe, expect, it } from 'vitest'
import { RHACS_ANALYST_TOKEN } from '../../fixtures/rhacs.ts'
import { LARGE_COUNT } from '../../scenarios/large.ts'
import { type Harness, startHarness, TRANSPORTS } from '../support/harness.ts'
import { expectRhacsError, expectRhacsShape } from './contract.ts'
import { bearer, call, q, storeOf } from './helpers.ts'

describe.each(TRANSPORTS)('RHACS scenarios and determinism (%s)', (transport) => {
  const open: Harness[] = []
  async function start(options: Parameters<typeof startHarness>[1] = {}): Promise<Harness> {
    const h = await startHarness(transport, options)
    open.push(h)
    return h
  }
  afterEach(async () => {
    for (const h of open.splice(0)) await h.close()
  })

  /** The same requests, in order, as text: ids, digests, timestamps and all. */
  async function transcript(h: Harness): Promise<string[]> {
    const list = await (await call(h, '/v1/images')).text()
    const first = JSON.parse(list).images[0].id
    return [
      list,
      await (await call(h, `/v1/images/${first}`)).text(),
      await (await call(h, '/v1/export/images')).text(),
      await (
        await call(h, '/v1/images/scan', {
          method: 'POST',
          body: JSON.stringify({ imageName: 'alpine:3.19' }),
        })
      ).text(),
    ]
  }

  it('answers byte-identical responses for the same seed', async () => {
    const a = await transcript(await start({ seed: 7 }))
    await open.splice(0).reduce((p, h) => p.then(() => h.close()), Promise.resolve())
    const b = await transcript(await start({ seed: 7 }))
    expect(b).toEqual(a)
  })

  it('draws different digests from a different seed', async () => {
    const a = storeOf(await start({ seed: 1 }))
      .images.all()
      .map((i) => i.id)
    const b = storeOf(await start({ seed: 2 }))
      .images.all()
      .map((i) => i.id)
    expect(new Set([...a, ...b]).size).toBe(a.length + b.length)
  })

  it('the empty scenario has no images or watched names but keeps credentials and clusters', async () => {
    const h = await start({ scenario: 'empty' })
    expect(await (await call(h, '/v1/imagescount')).json()).toEqual({ count: 0 })
    expect(await (await call(h, '/v1/watchedimages')).json()).toEqual({ watchedImages: [] })
    await expectRhacsError(
      await h.fetch('/v1/images?query.query=', {
        method: 'DELETE',
        headers: bearer(RHACS_ANALYST_TOKEN),
      }),
      403,
      7,
      'not authorized: "READ_WRITE_ACCESS" for "Image"',
    )
    const scanned = await call(h, '/v1/images/scan', {
      method: 'POST',
      body: JSON.stringify({ imageName: 'nginx:1.25', cluster: 'production' }),
    })
    expect(scanned.status).toBe(200)
    expect(storeOf(h).cves.count(), 'the CVE feed is there to scan against').toBeGreaterThan(0)
  })

  it('survives a state export and import unchanged', async () => {
    const source = await start({ seed: 3 })
    await call(source, '/v1/watchedimages', {
      method: 'POST',
      body: JSON.stringify({ name: 'quay.io/acme/agent:2' }),
    })
    const state = await source.mock.exportState()
    const before = await (await call(source, '/v1/images')).text()
    const target = await start({ seed: 9 })
    await target.mock.importState(state)
    expect(await (await call(target, '/v1/images')).text()).toBe(before)
    const watched = await (await call(target, '/v1/watchedimages')).json()
    expect(watched.watchedImages.map((w: { name: string }) => w.name)).toContain(
      'quay.io/acme/agent:2',
    )
  })

  it(`the large scenario holds ${LARGE_COUNT.toLocaleString('en-US')} images that query and page`, async () => {
    const h = await start({ scenario: 'large' })
    expect(await (await call(h, '/v1/imagescount')).json()).toEqual({ count: LARGE_COUNT })
    const query = 'Image Registry:quay.io+Image CVE Count:>3'
    const { count } = await (await call(h, `/v1/imagescount?query=${q(query)}`)).json()
    expect(count).toBeGreaterThan(100)
    const response = await call(
      h,
      `/v1/images?query=${q(query)}&pagination.limit=50&pagination.offset=100&pagination.sortOption.field=${q('Image Risk Priority')}`,
    )
    const body = await response.json()
    expect(response.status).toBe(200)
    expectRhacsShape('v1ListImagesResponse', body)
    expect(body.images).toHaveLength(50)
    const priorities = body.images.map((i: { priority: string }) => Number(i.priority))
    expect(priorities).toEqual([...priorities].sort((a, b) => a - b))
    const names = new Set(
      storeOf(h)
        .images.all()
        .map((i) => i.name?.fullName),
    )
    expect(names.size, 'every image has its own name').toBe(LARGE_COUNT)
  }, 60_000)
})
