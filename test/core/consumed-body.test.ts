import { getResponse, HttpResponse, http } from 'msw'
import { setupServer } from 'msw/node'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { createMock } from '../../index.ts'

const REPOS = 'http://mock.test/api/v2/databases/ml_platform/schemas/images/image-repositories'
const create = (name: string) =>
  new Request(REPOS, {
    method: 'POST',
    headers: { Authorization: 'Bearer t', 'Content-Type': 'application/json' },
    body: JSON.stringify({ name }),
  })

describe('a request body read before the mock sees it', () => {
  afterEach(() => vi.restoreAllMocks())

  it('answers the vendor 500, logs what the test must change, and stores nothing', async () => {
    const logged = vi.spyOn(console, 'error').mockImplementation(() => {})
    const mock = createMock()
    await mock.ready
    const request = create('once')
    expect((await getResponse(mock.handlers, request))?.status).toBe(200)
    const again = await getResponse(mock.handlers, request)
    if (!again) throw new Error('the mock answered nothing')
    expect(again.status).toBe(500)
    expect((await again.json()).code).toBe('300002')
    expect(String(logged.mock.calls.at(-1)?.[1])).toMatch(/must read request\.clone\(\)/)
    const names = mock.db.snowflake.repositories.all().map((r) => r.name)
    expect(names.filter((n) => n === 'ONCE')).toHaveLength(1)
  })

  it('serves a request whose body a fall-through handler read from a clone', async () => {
    const mock = createMock()
    await mock.ready
    const seen: string[] = []
    const server = setupServer(
      http.post('*/image-repositories', async ({ request }) => {
        seen.push(((await request.clone().json()) as { name: string }).name)
        return undefined
      }),
      ...mock.handlers,
      http.all('*', () => HttpResponse.text('unhandled', { status: 599 })),
    )
    server.listen()
    try {
      const answer = await fetch(create('cloned'))
      expect(answer.status).toBe(200)
      expect(seen).toEqual(['cloned'])
    } finally {
      server.close()
    }
  })
})
