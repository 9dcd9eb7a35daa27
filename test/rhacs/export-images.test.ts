import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { EXPORT_MS_PER_IMAGE } from '../../handlers/rhacs/images.ts'
import { type Harness, startHarness, TRANSPORTS } from '../support/harness.ts'
import { expectRhacsShape } from './contract.ts'
import { call, cloneImages, q, readLines, storeOf } from './helpers.ts'

type Line = { result?: { image: { id: string } }; error?: { code: number; message: string } }

describe.each(TRANSPORTS)('ImageService_ExportImages (%s)', (transport) => {
  let h: Harness
  beforeEach(async () => {
    h = await startHarness(transport)
  })
  afterEach(() => h.close())

  async function exportLines(params = ''): Promise<Line[]> {
    const response = await call(h, `/v1/export/images${params ? `?${params}` : ''}`)
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toMatch(/^application\/json/)
    expect(response.headers.get('x-request-id')).toMatch(/^[0-9a-f]{32}$/)
    const lines = (await readLines(response)) as Line[]
    for (const line of lines) expectRhacsShape('exportLine', line)
    return lines
  }

  it('streams one {"result":{"image":…}} line per image', async () => {
    const lines = await exportLines()
    expect(lines.map((l) => l.result?.image.id)).toEqual(
      storeOf(h)
        .images.all()
        .map((i) => i.id),
    )
    const full = await (
      await call(h, `/v1/images/${lines[0]?.result?.image.id}?includeSnoozed=true`)
    ).json()
    expect(lines[0]?.result?.image, 'each line is the full storage.Image').toEqual(full)
  })

  it('honours the query', async () => {
    const lines = await exportLines(`query=${q('Image Registry:docker.io+Image OS:debian')}`)
    const expected = storeOf(h)
      .images.all()
      .filter(
        (i) => i.name?.registry === 'docker.io' && i.scan?.operatingSystem.startsWith('debian'),
      )
      .map((i) => i.id)
    expect(expected.length).toBeGreaterThan(0)
    expect(lines.map((l) => l.result?.image.id)).toEqual(expected)
  })

  it('answers an empty stream when nothing matches', async () => {
    expect(await exportLines(`query=${q('Image Registry:example.invalid')}`)).toEqual([])
  })

  it('delivers a large export in several chunks rather than one body', async () => {
    await cloneImages(storeOf(h), 200)
    const response = await call(h, '/v1/export/images')
    const reader = (response.body as ReadableStream<Uint8Array>).getReader()
    let chunks = 0
    let text = ''
    const decoder = new TextDecoder()
    for (;;) {
      const { done, value } = await reader.read()
      if (done) break
      chunks++
      text += decoder.decode(value, { stream: true })
    }
    expect(chunks).toBeGreaterThan(1)
    expect(text.trimEnd().split('\n')).toHaveLength(storeOf(h).images.count())
  })

  it('ends with a DeadlineExceeded error line when the timeout passes', async () => {
    const allowed = Math.floor(1000 / EXPORT_MS_PER_IMAGE)
    await cloneImages(storeOf(h), allowed + 50)
    const lines = await exportLines('timeout=1')
    const results = lines.filter((l) => l.result)
    expect(results.length).toBeGreaterThan(0)
    expect(results.length).toBeLessThanOrEqual(allowed)
    expect(lines.at(-1)).toEqual({
      error: { code: 4, message: 'context deadline exceeded', details: [] },
    })
    expect(lines.indexOf(lines.at(-1) as Line), 'the error is the last line').toBe(results.length)
  })

  it('exports everything with timeout=0 (no deadline)', async () => {
    await cloneImages(storeOf(h), Math.floor(1000 / EXPORT_MS_PER_IMAGE) + 50)
    const lines = await exportLines('timeout=0')
    expect(lines).toHaveLength(storeOf(h).images.count())
    expect(lines.every((l) => l.result)).toBe(true)
  })

  it('answers 504 with a single error line for a deadline already past', async () => {
    const response = await call(h, '/v1/export/images?timeout=-1')
    expect(response.status).toBe(504)
    const lines = await readLines(response)
    expect(lines).toEqual([
      { error: { code: 4, message: 'context deadline exceeded', details: [] } },
    ])
    expectRhacsShape('exportLine', lines[0])
  })

  it('answers 400 with a stream error line for a malformed query', async () => {
    const response = await call(h, `/v1/export/images?query=${q('Image Tag:r/[')}`)
    expect(response.status).toBe(400)
    const [line] = await readLines(response)
    expectRhacsShape('exportLine', line)
    expect(line).toEqual({
      error: {
        code: 3,
        message: expect.stringMatching(/^invalid regexp \[: .+: invalid arguments$/),
        details: [],
      },
    })
  })

  it('answers 400 for a timeout that is not a number', async () => {
    const response = await call(h, '/v1/export/images?timeout=soon')
    expect(response.status).toBe(400)
    expect(await response.json()).toEqual({
      error: {
        code: 3,
        message: 'parsing field "timeout": strconv.ParseInt: parsing "soon": invalid syntax',
        details: [],
      },
    })
  })

  it('answers 401 as a stream error without credentials', async () => {
    const response = await h.fetch('/v1/export/images')
    expect(response.status).toBe(401)
    const body = await response.json()
    expect(body).toEqual({ error: { code: 16, message: 'credentials not found', details: [] } })
    expectRhacsShape('exportLine', body)
  })
})
