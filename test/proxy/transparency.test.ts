import { afterEach, describe, expect, it } from 'vitest'
import type { VendorName } from '../../handlers/operation-ids.ts'
import { SCRIPTS } from './scripts.ts'
import { type Served, serveMock, snapshot } from './support.ts'

const open: Served[] = []
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()))
})

async function serve(...args: Parameters<typeof serveMock>): Promise<Served> {
  const served = await serveMock(...args)
  open.push(served)
  return served
}

describe.each(Object.entries(SCRIPTS))('proxying %s to a real (mock) upstream', (vendor, spec) => {
  it('answers every operation with the upstream’s status, headers and bytes, and finds no drift', async () => {
    const upstream = await serve({ seed: 7 })
    // The same scenario and seed answer the same requests the same way: the twin shows what the
    // upstream answers when asked directly.
    const twin = await serve({ seed: 7 })
    const proxy = await serve({ seed: 99, proxy: { upstreams: { [vendor]: upstream.url } } })

    const through = await spec.script(proxy.fetch)
    const direct = await spec.script(twin.fetch)
    expect(through.length).toBe(direct.length)
    for (let i = 0; i < through.length; i++) {
      const a = await snapshot(through[i] as Response, spec.headers)
      const b = await snapshot(direct[i] as Response, spec.headers)
      expect(a, `answer ${i + 1}`).toEqual(b)
    }

    // Every operation of the vendor went through the proxy, and the upstream served each.
    const operations = proxy.mock.vendors.find((v) => v.name === vendor)?.operations ?? []
    const seen = new Set(
      proxy.mock.journal.find({ vendor: vendor as VendorName }).map((e) => e.operation),
    )
    const served = new Set(
      upstream.mock.journal.find({ vendor: vendor as VendorName }).map((e) => e.operation),
    )
    for (const op of operations) {
      expect(seen, `${vendor}.${op.id} through the proxy`).toContain(`${vendor}.${op.id}`)
      expect(served, `${vendor}.${op.id} at the upstream`).toContain(`${vendor}.${op.id}`)
    }
    // The upstream is this mock: its answers match its own schemas. Only requests the scripts
    // make wrong on purpose (SWR's `center=nowhere`) are violations, and they say so.
    const entries = proxy.mock.journal.find({ vendor: vendor as VendorName })
    expect(
      entries.flatMap((e) => e.violations ?? []).filter((v) => v.where === 'response'),
    ).toEqual([])
    const flagged = entries.filter((e) => (e.violations?.length ?? 0) > 0)
    expect(flagged.map((e) => e.query)).toEqual(vendor === 'swr' ? [{ center: 'nowhere' }] : [])
    expect(through.filter((r) => r.headers.has('x-mock-violations')).length).toBe(flagged.length)
    const report = await (await proxy.fetch('/__mock/violations')).json()
    expect(report.proxied).toEqual([vendor])
    if (vendor === 'swr') {
      expect(report.operations).toEqual([
        expect.objectContaining({
          operation: 'swr.ListSharedReposDetails',
          exchanges: 1,
          byWhere: { request: 1, response: 0 },
          paths: { 'request query': 1 },
        }),
      ])
      expect(report.operations[0].sample[0].message).toMatch(
        /^swr\.ListSharedReposDetails: request query: .*center "nowhere" is not valid; use self or thirdparty/,
      )
    } else {
      expect(report.operations).toEqual([])
    }
  })
})
