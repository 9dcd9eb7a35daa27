import { getResponse } from 'msw'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { Journal, type JournalEntry } from '../../core/journal.ts'
import { journalQuery } from '../../core/journal-preview.ts'
import { queryRecord } from '../../core/pipeline/parse-query.ts'
import { createMock } from '../../index.ts'
import { type Harness, startHarness, TRANSPORTS } from '../support/harness.ts'

const AUTH = { Authorization: 'Bearer t' }
const REPOS = '/api/v2/databases/ml_platform/schemas/images/image-repositories'

describe.each(TRANSPORTS)('request journal (%s)', (transport) => {
  let h: Harness
  beforeEach(async () => {
    h = await startHarness(transport)
  })
  afterEach(() => h.close())

  it('records each API request with its operation, status, body, query and fault, but not control calls', async () => {
    await h.fetch('/__mock/health')
    await h.fetch(`${REPOS}?like=ml%25`, { headers: AUTH })
    await h.fetch('/__mock/faults', {
      method: 'POST',
      body: JSON.stringify({
        id: 'boom',
        match: { operation: 'snowflake.create*' },
        effect: { status: 503 },
      }),
    })
    const create = await h.fetch(REPOS, {
      method: 'POST',
      headers: { ...AUTH, 'Content-Type': 'application/json' },
      body: '{"name":"j"}',
    })
    const { entries, size, dropped, capacity, omitted } = await (
      await h.fetch('/__mock/journal')
    ).json()
    expect({ size, dropped, capacity, omitted }).toEqual({
      size: 2,
      dropped: 0,
      capacity: 10_000,
      omitted: 0,
    })
    expect(entries[0]).toMatchObject({
      id: 1,
      session: 'default',
      operation: 'snowflake.listImageRepositories',
      vendor: 'snowflake',
      method: 'GET',
      path: REPOS,
      query: { like: 'ml%' },
      requestBody: null,
      status: 200,
      network: null,
      fault: null,
    })
    expect(entries[1]).toMatchObject({
      operation: 'snowflake.createImageRepository',
      requestBody: '{"name":"j"}',
      status: 503,
      fault: 'boom',
      requestId: create.headers.get('x-snowflake-request-id'),
    })
    expect(entries[1].time > entries[0].time).toBe(true)
    expect(typeof entries[0].durationMs).toBe('number')
  })

  it('filters by operation glob, status, method and limit, and clears', async () => {
    await h.fetch(REPOS, { headers: AUTH })
    await h.fetch(`${REPOS}/ghost`, { headers: AUTH })
    await h.fetch(`${REPOS}/ghost`, { headers: AUTH })
    const find = async (query: string) =>
      (await (await h.fetch(`/__mock/journal?${query}`)).json()).entries
    expect(await find('operation=snowflake.fetch*')).toHaveLength(2)
    expect(await find('status=404')).toHaveLength(2)
    expect(await find('status=200&method=get')).toHaveLength(1)
    expect((await find('limit=1'))[0].operation).toBe('snowflake.fetchImageRepository')
    // A poll that fell behind gets the newest entries and is told how many it skipped.
    const behind = await (await h.fetch('/__mock/journal?afterId=1&limit=1')).json()
    expect({
      ids: behind.entries.map((e: { id: number }) => e.id),
      omitted: behind.omitted,
    }).toEqual({ ids: [3], omitted: 1 })
    expect(h.mock.journal.find({ operation: '*.list*' })).toHaveLength(1)
    expect((await h.fetch('/__mock/journal?limit=-1')).status).toBe(400)
    expect(await find('limit=0')).toEqual([])
    for (const bad of ['limit=', 'limit=%20', 'limit=1e0', 'status=0x5', 'afterId=1.0']) {
      expect((await h.fetch(`/__mock/journal?${bad}`)).status, bad).toBe(400)
    }
    expect((await h.fetch('/__mock/journal', { method: 'DELETE' })).status).toBe(204)
    expect(await find('')).toEqual([])
  })

  it('records a preview of each response body, cut at 2048 characters, without holding it back', async () => {
    const small = await h.fetch(`${REPOS}/ghost`, { headers: AUTH })
    const large = await h.fetch('/v1/images/sources?page[size]=100', {
      headers: { Authorization: 'Bearer t', 'X-Hub-Id': '651586fca6078e98982dbd90' },
    })
    const reset = { match: { operation: 'snowflake.list*' }, effect: { network: 'reset' } }
    h.mock.faults.add(reset as Parameters<typeof h.mock.faults.add>[0])
    await h.fetch(REPOS, { headers: AUTH }).catch(() => undefined)
    const [ghost, sources, dropped] = h.mock.journal.find()
    expect(ghost).toMatchObject({ responseBody: await small.text(), responseBodyTruncated: false })
    const full = await large.text()
    expect(full.length, 'the client still gets the whole body').toBeGreaterThan(2048)
    expect(sources).toMatchObject({
      responseBody: full.slice(0, 2048),
      responseBodyTruncated: true,
    })
    expect(dropped).toMatchObject({ network: 'reset', responseBody: null })
  })

  it('answers at most about 8 MB of entries, the newest, and counts the rest as omitted', async () => {
    // A NUL is six characters in JSON: 700 bodies of 2,048 NULs make about 8.6 MB of entries.
    const body = '\u0000'.repeat(2048)
    for (let i = 0; i < 700; i++) {
      await h.fetch(REPOS, {
        method: 'POST',
        headers: { ...AUTH, 'Content-Type': 'application/json' },
        body,
      })
    }
    const response = await h.fetch('/__mock/journal')
    const text = await response.text()
    const { entries, omitted, size } = JSON.parse(text)
    expect(size).toBe(700)
    expect(entries.length).toBeLessThan(700)
    expect(entries.length + omitted).toBe(700)
    expect(text.length).toBeLessThanOrEqual(8 * 2 ** 20 + 1024)
    expect(entries.at(-1).id).toBe(700)
    expect(entries.map((e: { id: number }) => e.id)).toEqual(
      Array.from({ length: entries.length }, (_, i) => 701 - entries.length + i),
    )
    // Narrower queries still reach the older ones.
    const first = await (await h.fetch('/__mock/journal?afterId=0&limit=5')).json()
    expect(first.entries.map((e: { id: number }) => e.id)).toEqual([696, 697, 698, 699, 700])
  }, 60_000)

  it('answers a malformed percent-escape in a control path with a 400, not a failure', async () => {
    for (const path of [
      '/__mock/faults/%',
      '/__mock/faults/%ED%A0%80',
      '/__mock/sessions/%C0%AF',
      // msw matches control paths case-insensitively, after any prefix.
      '/__MOCK/faults/%',
      '/x%ZZ/__mock/faults/abc',
    ]) {
      const response = await h.fetch(path, { method: 'DELETE' })
      expect(response.status, path).toBe(400)
      expect((await response.json()).error.message).toBe(
        `the path ${path} has a malformed percent-escape`,
      )
    }
    expect((await h.fetch('/__mock/faults/no%20such', { method: 'DELETE' })).status).toBe(404)
  })

  it('keeps a query of thousands of empty values small', async () => {
    await h.fetch(`${REPOS}?${'a&'.repeat(7_000)}b=1`, { headers: AUTH })
    const [entry] = (await (await h.fetch('/__mock/journal')).json()).entries
    expect(entry.query.a.length).toBeGreaterThan(100)
    expect(entry.query.a.length).toBeLessThanOrEqual(2_049)
    expect(entry.query.b).toBeUndefined()
  })

  it('truncates large request bodies in the journal', async () => {
    const name = 'A'.repeat(5000)
    await h.fetch(REPOS, {
      method: 'POST',
      headers: { ...AUTH, 'Content-Type': 'application/json' },
      body: JSON.stringify({ name }),
    })
    const [entry] = h.mock.journal.find()
    expect(entry?.requestBody).toHaveLength(2048)
    expect(entry?.requestBodyTruncated).toBe(true)
  })
  it('keeps at most 2048 characters of a path and of a query, and a __proto__ parameter as data', async () => {
    const long = 'a'.repeat(6_000) // two of them stay within Node's 16 KB header limit
    const sources = '/v1/images/sources'
    const cycle = { Authorization: 'Bearer t', 'X-Hub-Id': '651586fca6078e98982dbd90' }
    const list = await h.fetch(
      `${sources}?__proto__=1&__proto__=2&constructor=x&x=${long}&y=${long}`,
      {
        headers: cycle,
      },
    )
    expect(list.status, 'unknown parameters are ignored, whatever their names').toBe(200)
    await h.fetch(`${REPOS}/${long}`, { headers: AUTH })
    const { entries } = await (await h.fetch('/__mock/journal')).json()
    const [query, path] = entries.slice(-2)
    expect(Object.getOwnPropertyDescriptor(query.query, '__proto__')?.value).toEqual(['1', '2'])
    expect(query.query.constructor).toBe('x')
    expect(query.query.x).toHaveLength(2048)
    expect(query.query.y, 'parameters past 2048 characters are left out').toBeUndefined()
    expect(path.path).toHaveLength(2048)
    expect(path.status).toBeGreaterThanOrEqual(400)
  })
})

describe('journal cap', () => {
  it('holds 10,000 entries under 50,000 requests and reports the dropped count', async () => {
    const mock = createMock()
    await mock.ready
    const url = `http://mock.test${REPOS}/ghost`
    for (let i = 0; i < 50_000; i++) {
      const response = await getResponse(mock.handlers, new Request(url, { headers: AUTH }))
      if (response?.status !== 404) throw new Error(`request ${i} answered ${response?.status}`)
    }
    expect(mock.journal.size).toBe(10_000)
    expect(mock.journal.dropped).toBe(40_000)
    const entries = mock.journal.find()
    expect(entries[0]?.id).toBe(40_001)
    expect(entries.at(-1)?.id).toBe(50_000)
  }, 120_000)
})

/** A journal entry as the pipeline records it, with this path and these bodies. */
function entryOf(
  path: string,
  requestBody: string | null,
  responseBody: string | null,
): Omit<JournalEntry, 'id' | 'query'> {
  return {
    time: '2026-01-01T00:00:00.000Z',
    receivedAt: '2026-01-01T00:00:00.000Z',
    session: 'default',
    operation: 'snowflake.createImageRepository',
    vendor: 'snowflake',
    method: 'POST',
    path,
    requestBody,
    requestBodyTruncated: false,
    responseBody,
    responseBodyTruncated: false,
    status: 201,
    network: null,
    durationMs: 1,
    requestHeaders: {},
    responseHeaders: {},
    requestId: '',
    fault: null,
  }
}

describe('journal size bound', () => {
  it('drops the oldest entries once it holds more characters than its bound, newest kept', () => {
    const journal = new Journal(1_000, 20_000)
    const body = 'x'.repeat(2_000)
    for (let i = 0; i < 100; i++) journal.record(entryOf(`/p/${i}`, body, body), '')
    const kept = [...journal.entries()]
    expect(kept.length).toBeGreaterThan(1)
    expect(kept.length).toBeLessThan(10)
    expect(kept.at(-1)?.path).toBe('/p/99')
    expect(kept.map((e) => e.id)).toEqual(kept.map((_, i) => 101 - kept.length + i))
    expect(journal.dropped).toBe(100 - kept.length)
    expect(journal.find({ limit: 2 }).map((e) => e.path)).toEqual(['/p/98', '/p/99'])
  })

  it('keeps every entry its own path and bodies while repeated texts are shared', () => {
    const journal = new Journal(2_000)
    const record = (path: string, requestBody: string | null, responseBody: string | null) =>
      journal.record(entryOf(path, requestBody, responseBody), '')
    // More distinct texts than the journal remembers for sharing, each repeated later on.
    for (let i = 0; i < 1_000; i++) {
      record(`/p/${i % 300}`, i % 2 ? null : `{"n":${i % 400}}`, `[${i % 500}]`)
    }
    const kept = [...journal.entries()]
    expect(kept).toHaveLength(1_000)
    kept.forEach((entry, i) => {
      expect(entry.path).toBe(`/p/${i % 300}`)
      expect(entry.requestBody).toBe(i % 2 ? null : `{"n":${i % 400}}`)
      expect(entry.responseBody).toBe(`[${i % 500}]`)
    })
    journal.clear()
    record('/after-clear', null, '[]')
    expect(journal.find().map((e) => [e.path, e.responseBody])).toEqual([['/after-clear', '[]']])
  })
})

describe('journal queries kept as search text', () => {
  const base = entryOf('/p', null, null)

  it('parses a kept search text when the entry is read, as the pipeline parses a query', () => {
    const journal = new Journal(10)
    const seen: JournalEntry[] = []
    const search = '?x=1&x=2&__proto__=p&like=ml%25&empty=&a+b=c+d'
    journal.record(base, search)
    journal.subscribe((entry) => seen.push(entry))
    journal.record(base, search)
    const expected = journalQuery(queryRecord(new URLSearchParams(search)))
    expect(Object.getOwnPropertyDescriptor(expected, '__proto__')?.value).toBe('p')
    const entries = journal.find()
    expect(entries).toHaveLength(2)
    for (const entry of [...entries, ...seen]) {
      expect(entry.query).toEqual(expected)
      expect(Object.getOwnPropertyDescriptor(entry.query, '__proto__')?.value).toBe('p')
    }
    expect(seen[0], 'a listener gets the entry the journal keeps').toBe(entries[1])
    expect(journal.find()[0], 'parsed once: the same object when read again').toBe(entries[0])
    expect(journal.find()[0]?.query).toBe(entries[0]?.query)
    journal.record(base, '')
    expect(journal.find().at(-1)?.query).toEqual({})
  })

  it('counts a kept search text at least as much as its parsed query', () => {
    // 1,000 empty values in 2,001 characters: about 50 KB once parsed, over this bound.
    const journal = new Journal(100, 20_000)
    const search = `?${'a&'.repeat(1_000)}`
    for (let i = 0; i < 5; i++) journal.record(base, search)
    expect(journal.size, 'each entry alone is over the bound; the newest is kept').toBe(1)
    expect(journal.dropped).toBe(4)
    expect(journal.bytes).toBeGreaterThan(20_000)
    const [entry] = journal.find()
    expect(entry?.query.a).toHaveLength(1_000)
  })

  it('counts a search text whose escapes decode outside Latin-1 at two bytes a character', () => {
    for (const high of ['%C4%80', '%FF', '%e4%b8%ad']) {
      const search = `?a=${'z'.repeat(2_030)}${high}`
      const lazyJournal = new Journal(10)
      lazyJournal.record(base, search)
      const parsedJournal = new Journal(10)
      parsedJournal.record(base, journalQuery(queryRecord(new URLSearchParams(search))))
      expect(lazyJournal.bytes, high).toBeGreaterThanOrEqual(parsedJournal.bytes)
    }
  })

  it('parses a search text longer than the preview bound at once, cut as any query is', () => {
    const journal = new Journal(10)
    const long = 'v'.repeat(3_000)
    journal.record(base, `?x=${long}&y=1`)
    const [entry] = journal.find()
    expect(entry?.query.x).toHaveLength(2_048)
    expect(entry?.query.y).toBeUndefined()
  })
})

describe('journal bound shared by all sessions', () => {
  it('keeps the journals of all sessions under one bound: the busiest sheds first, each keeps its newest', async () => {
    // About 4.4 KB an entry: a body of 2,000 characters outside Latin-1 counts two bytes each.
    const mock = createMock({ journalsMaxBytes: 100_000 })
    await mock.ready
    const post = (session: string, name: string, headers: Record<string, string> = {}) =>
      getResponse(
        mock.handlers,
        new Request(`http://mock.test${REPOS}`, {
          method: 'POST',
          headers: {
            ...AUTH,
            'Content-Type': 'application/json',
            'X-Mock-Session': session,
            ...headers,
          },
          body: JSON.stringify({ name, comment: 'ā'.repeat(2_000) }),
        }),
      )
    const control = (method: string, path: string, session = 'default') =>
      getResponse(
        mock.handlers,
        new Request(`http://mock.test/__mock/${path}`, {
          method,
          headers: { 'X-Mock-Session': session },
        }),
      )
    const count = (session: string) => mock.session(session).journal.find().length
    for (let i = 0; i < 5; i++) await post('quiet', `q${i}`)
    for (let i = 0; i < 200; i++) await post('busy', `b${i}`)
    // The busy session shed its own history; the quiet one, never the largest, kept every entry.
    expect(count('quiet')).toBe(5)
    expect(count('busy')).toBeGreaterThan(5)
    expect(count('busy')).toBeLessThan(22)
    for (let i = 0; i < 200; i++) await post(`many-${i % 20}`, `m${i}`)
    // Outside Latin-1 a character counts two bytes: about 4.4 KB an entry, some 22 in all.
    const sessions = ['quiet', 'busy', ...Array.from({ length: 20 }, (_, i) => `many-${i}`)]
    const total = sessions.reduce((n, s) => n + count(s), 0)
    expect(total).toBeGreaterThan(15)
    expect(total).toBeLessThan(30)
    for (const session of sessions) {
      expect(count(session), session).toBeGreaterThanOrEqual(1)
      const newest = mock.session(session).journal.find().at(-1)
      expect(newest?.requestBody, session).toContain('"name":"')
    }
    // A deleted session's journal no longer counts: a new session has room for several entries.
    for (const session of sessions.slice(1)) await control('DELETE', `sessions/${session}`)
    for (let i = 0; i < 10; i++) await post('fresh', `f${i}`)
    expect(count('fresh')).toBe(10)
    // A request still running when its session is deleted is recorded nowhere: thirty of them
    // would otherwise hold the shared bound's room for good.
    for (let i = 0; i < 30; i++) {
      const slow = post('gone', `g${i}`, { 'X-Mock-Delay': '20' })
      await new Promise((resolve) => setTimeout(resolve, 5))
      await control('DELETE', 'sessions/gone')
      await slow
    }
    await control('DELETE', 'journal', 'fresh')
    for (let i = 0; i < 10; i++) await post('fresh', `f${i}`)
    expect(count('fresh')).toBe(10)
  })
})
