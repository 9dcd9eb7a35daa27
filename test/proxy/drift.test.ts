import type { ServerResponse } from 'node:http'
import { afterEach, describe, expect, it } from 'vitest'
import { CYCLE_HUB } from './scripts.ts'
import { type Listening, serveMock, serveRaw } from './support.ts'

const open: Listening[] = []
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()))
})

async function keep<T extends Listening>(server: Promise<T>): Promise<T> {
  const started = await server
  open.push(started)
  return started
}

function send(res: ServerResponse, status: number, text: string, type = 'application/json') {
  res.writeHead(status, { 'Content-Type': type, 'X-Request-Id': 'upstream-request-id' })
  res.end(text)
}

/** A Snowflake list whose first repository's `name` is a number. */
const WRONG_LIST = JSON.stringify([
  {
    name: 42,
    database_name: 'ML_PLATFORM',
    schema_name: 'IMAGES',
    created_on: '2026-03-02T09:00:00+00:00',
    repository_url: 'org-acct.registry.snowflakecomputing.com/ml_platform/images/x',
    owner: 'ACCOUNTADMIN',
    owner_role_type: 'ROLE',
  },
])

describe('a deliberately wrong upstream', () => {
  it('Snowflake list with a numeric name: the caller gets the bytes, the mock reports the drift', async () => {
    const upstream = await keep(serveRaw((_req, res) => send(res, 200, WRONG_LIST)))
    const proxy = await keep(serveMock({ proxy: { upstreams: { snowflake: upstream.url } } }))
    const path = '/api/v2/databases/ml_platform/schemas/images/image-repositories'
    const response = await proxy.fetch(path, { headers: { Authorization: 'Bearer t' } })
    expect(response.status).toBe(200)
    expect(await response.text()).toBe(WRONG_LIST)
    expect(response.headers.get('x-mock-violations')).toBe('1')

    const expected = {
      where: 'response',
      path: 'body[0].name',
      message: expect.stringMatching(
        /^snowflake\.listImageRepositories: response body\[0\]\.name: .*expected string, received number/,
      ),
    }
    const [entry] = (await (await proxy.fetch('/__mock/journal')).json()).entries
    expect(entry.violations).toEqual([expected])
    const report = await (await proxy.fetch('/__mock/violations')).json()
    expect(report.operations).toEqual([
      {
        operation: 'snowflake.listImageRepositories',
        exchanges: 1,
        violations: 1,
        byWhere: { request: 0, response: 1 },
        paths: { 'response body[0].name': 1 },
        sample: [expected],
      },
    ])
    // Drift is not recorded into violations of another session.
    const other = await (
      await proxy.fetch('/__mock/violations', { headers: { 'X-Mock-Session': 'other' } })
    ).json()
    expect(other.operations).toEqual([])
    await proxy.fetch('/__mock/violations', { method: 'DELETE' })
    expect((await (await proxy.fetch('/__mock/violations')).json()).operations).toEqual([])
  })

  it('a Cycle error outside Cycle’s catalogue: an unlisted status and a missing field', async () => {
    const teapot = JSON.stringify({
      error: { status: 418, code: '418.teapot', title: 'I am a teapot' },
      data: null,
    })
    const upstream = await keep(serveRaw((_req, res) => send(res, 418, teapot)))
    const proxy = await keep(serveMock({ proxy: { upstreams: { cycle: upstream.url } } }))
    const response = await proxy.fetch('/v1/images/sources', {
      headers: { Authorization: 'Bearer t', 'X-Hub-Id': CYCLE_HUB },
    })
    expect(response.status).toBe(418)
    expect(await response.text()).toBe(teapot)
    expect(response.headers.get('x-request-id')).toBe('upstream-request-id')
    expect(response.headers.get('x-mock-violations')).toBe('2')
    const [entry] = proxy.mock.journal.find()
    expect(entry?.requestId).toBe('upstream-request-id')
    expect(entry?.violations?.map((v) => v.path)).toEqual(['status', 'body.error.detail'])
    expect(entry?.violations?.[0]?.message).toMatch(
      /^cycle\.getImageSources: response status: 418 is not a status the contract lists; expected one of 200, 400,/,
    )
    expect(entry?.violations?.[1]?.message).toMatch(
      /^cycle\.getImageSources: response body\.error\.detail: .*expected string, received undefined/,
    )
  })

  it('a bad request is a request violation even when the upstream accepts it', async () => {
    const upstream = await keep(serveRaw((_req, res) => send(res, 200, '{"status":"ok"}')))
    const proxy = await keep(serveMock({ proxy: { upstreams: { snowflake: upstream.url } } }))
    const response = await proxy.fetch(
      '/api/v2/databases/db/schemas/s/image-repositories?createMode=sometimes',
      {
        method: 'POST',
        headers: { Authorization: 'Bearer t', 'Content-Type': 'application/json' },
        body: '{"name": 7}',
      },
    )
    expect(response.status).toBe(200)
    expect(response.headers.get('x-mock-violations')).toBe('2')
    expect(proxy.mock.journal.find()[0]?.violations?.map((v) => `${v.where} ${v.path}`)).toEqual([
      'request query.createMode',
      'request body.name',
    ])
  })

  it('a streamed export line with a wrong field: bytes unchanged, the line named in the journal', async () => {
    const good = await keep(serveMock())
    const export_ = await (
      await good.fetch('/v1/export/images', { headers: { Authorization: 'Bearer t' } })
    ).text()
    const lines = export_.trim().split('\n')
    const broken = JSON.parse(lines[1] as string)
    broken.result.image.riskScore = 'high'
    lines[1] = JSON.stringify(broken)
    const body = `${lines.join('\n')}\n`
    const upstream = await keep(
      serveRaw((_req, res) => {
        res.writeHead(200, { 'Content-Type': 'application/json' })
        res.write(body.slice(0, 1000))
        res.end(body.slice(1000))
      }),
    )
    const proxy = await keep(serveMock({ proxy: { upstreams: { rhacs: upstream.url } } }))
    const response = await proxy.fetch('/v1/export/images', {
      headers: { Authorization: 'Bearer t' },
    })
    expect(await response.text()).toBe(body)
    // Found after the headers left: in the journal and the report, not in the header.
    expect(response.headers.get('x-mock-violations')).toBeNull()
    const [entry] = (await (await proxy.fetch('/__mock/journal')).json()).entries
    expect(entry.violations).toEqual([
      {
        where: 'response',
        path: 'line 2.result.image.riskScore',
        message: expect.stringMatching(
          /^rhacs\.ImageService_ExportImages: response line 2\.result\.image\.riskScore: .*expected number, received string/,
        ),
      },
    ])
    const report = await (await proxy.fetch('/__mock/violations')).json()
    expect(report.operations[0]).toMatchObject({
      operation: 'rhacs.ImageService_ExportImages',
      exchanges: 1,
      violations: 1,
    })
  })

  it('a streamed export of thousands of bad lines: the answer passes whole, 100 violations kept', async () => {
    const body = 'x\n'.repeat(5_000)
    const upstream = await keep(
      serveRaw((_req, res) => {
        res.writeHead(200, { 'Content-Type': 'application/json' })
        res.end(body)
      }),
    )
    const proxy = await keep(serveMock({ proxy: { upstreams: { rhacs: upstream.url } } }))
    const response = await proxy.fetch('/v1/export/images', {
      headers: { Authorization: 'Bearer t' },
    })
    expect(await response.text()).toBe(body)
    const [entry] = (await (await proxy.fetch('/__mock/journal')).json()).entries
    expect(entry.violations).toHaveLength(101)
    expect(entry.violations[0].path).toBe('line 1')
    expect(entry.violations[100].message).toMatch(/are not listed \(at most 100 are kept\)/)
  })
})
