import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { RHACS_ANALYST_TOKEN } from '../../fixtures/rhacs.ts'
import { type Harness, startHarness, TRANSPORTS } from '../support/harness.ts'
import { expectRhacsError, expectRhacsShape } from './contract.ts'
import { bearer, byKeyThenId, call, q, storeOf } from './helpers.ts'

describe.each(TRANSPORTS)('ImageService_DeleteImages (%s)', (transport) => {
  let h: Harness
  beforeEach(async () => {
    h = await startHarness(transport)
  })
  afterEach(() => h.close())

  async function del(params: string): Promise<{ numDeleted: number; dryRun: boolean }> {
    const response = await call(h, `/v1/images?${params}`, { method: 'DELETE' })
    const body = await response.json()
    expect(response.status, JSON.stringify(body)).toBe(200)
    expectRhacsShape('v1DeleteImagesResponse', body)
    return body
  }

  const gcr = () =>
    storeOf(h)
      .images.all()
      .filter((i) => i.name?.registry === 'gcr.io')

  it('counts without deleting when confirm is not set (a dry run)', async () => {
    const before = storeOf(h).images.count()
    expect(gcr().length).toBeGreaterThan(0)
    expect(await del(`query.query=${q('Image Registry:gcr.io')}`)).toEqual({
      numDeleted: gcr().length,
      dryRun: true,
    })
    expect(storeOf(h).images.count()).toBe(before)
  })

  it('deletes the matching images with confirm=true', async () => {
    const before = storeOf(h).images.count()
    const doomed = gcr().length
    expect(await del(`query.query=${q('Image Registry:gcr.io')}&confirm=true`)).toEqual({
      numDeleted: doomed,
      dryRun: false,
    })
    expect(gcr()).toEqual([])
    expect(storeOf(h).images.count()).toBe(before - doomed)
    const listed = await (await call(h, '/v1/images')).json()
    expect(listed.images.some((i: { name: string }) => i.name.startsWith('gcr.io/'))).toBe(false)
  })

  it('deletes only the page the query pagination selects (oldest by Last Updated)', async () => {
    const oldest = [...gcr()].sort(byKeyThenId((i) => Date.parse(i.lastUpdated ?? '')))[0]
    const result = await del(
      `query.query=${q('Image Registry:gcr.io')}&query.pagination.limit=1&confirm=true`,
    )
    expect(result).toEqual({ numDeleted: 1, dryRun: false })
    expect(
      storeOf(h)
        .images.all()
        .some((i) => i.id === oldest?.id),
    ).toBe(false)
  })

  it('treats an empty query.query as a scope matching everything, as Central does', async () => {
    expect(await del('query.query=')).toEqual({
      numDeleted: storeOf(h).images.count(),
      dryRun: true,
    })
  })

  it('refuses to run without a scoping query', async () => {
    const before = storeOf(h).images.count()
    await expectRhacsError(
      await call(h, '/v1/images?confirm=true', { method: 'DELETE' }),
      400,
      3,
      'a scoping query is required',
    )
    expect(storeOf(h).images.count()).toBe(before)
  })

  it('answers 400 when the query is sent as a plain parameter instead of query.query', async () => {
    await expectRhacsError(
      await call(h, `/v1/images?query=${q('Image Registry:gcr.io')}`, { method: 'DELETE' }),
      400,
      3,
      'parsing field "query": unsupported message type: "v1.RawQuery"',
    )
  })

  it('answers 400 with the "error parsing query" prefix for a malformed query', async () => {
    const before = storeOf(h).images.count()
    await expectRhacsError(
      await call(h, `/v1/images?query.query=${q('Image Scan Time:>yesterday')}&confirm=true`, {
        method: 'DELETE',
      }),
      400,
      3,
      'error parsing query: invalid time query for field "Image Scan Time" (prefix: >, value: yesterday). Must be of the format (01/02/2006 or 1d): invalid arguments',
    )
    expect(storeOf(h).images.count()).toBe(before)
  })

  it('answers 400 when confirm is not a boolean', async () => {
    await expectRhacsError(
      await call(h, '/v1/images?query.query=&confirm=sure', { method: 'DELETE' }),
      400,
      3,
      'parsing field "confirm": strconv.ParseBool: parsing "sure": invalid syntax',
    )
  })

  it('answers 403 for a view-only token and deletes nothing', async () => {
    const before = storeOf(h).images.count()
    await expectRhacsError(
      await h.fetch('/v1/images?query.query=&confirm=true', {
        method: 'DELETE',
        headers: bearer(RHACS_ANALYST_TOKEN),
      }),
      403,
      7,
      'not authorized: "READ_WRITE_ACCESS" for "Image"',
    )
    expect(storeOf(h).images.count()).toBe(before)
  })
})
