import { request } from 'node:http'
import { connect } from 'node:net'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { type Harness, startHarness } from '../support/harness.ts'

const REPOS = '/api/v2/databases/ml_platform/schemas/images/image-repositories'

/** One raw HTTP exchange (fetch cannot send TRACE): status, headers as sent, body text. */
function exchange(
  h: Harness,
  method: string,
  path: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: Record<string, string>; body: string }> {
  const url = new URL(path, h.baseUrl)
  return new Promise((resolve, reject) => {
    const req = request(
      { host: url.hostname, port: url.port, path: url.pathname, method, headers },
      (res) => {
        let body = ''
        res.setEncoding('utf8')
        res.on('data', (chunk: string) => {
          body += chunk
        })
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers as Record<string, string>,
            body,
          }),
        )
      },
    )
    req.on('error', reject)
    req.end()
  })
}

describe('the standalone server around the handlers', () => {
  let h: Harness
  beforeAll(async () => {
    h = await startHarness('express')
  })
  afterAll(async () => {
    await h.close()
  })

  it('answers a path no handler claims with a plain JSON 404, CORS headers included', async () => {
    const answer = await exchange(h, 'GET', '/nowhere', { Origin: 'http://localhost:5173' })
    expect(answer.status).toBe(404)
    expect(answer.headers['content-type']).toBe('application/json; charset=utf-8')
    expect(answer.headers['access-control-allow-origin']).toBe('http://localhost:5173')
    expect(JSON.parse(answer.body)).toEqual({
      error: {
        status: 404,
        message: 'No mocked API serves GET /nowhere; see GET /__mock/health',
      },
    })
  })

  it('refuses a method fetch cannot carry with a 405 naming the methods it serves', async () => {
    const answer = await exchange(h, 'TRACE', REPOS)
    expect(answer.status).toBe(405)
    expect(answer.headers.allow).toBe('GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS')
    expect(JSON.parse(answer.body).error.message).toBe('Method TRACE is not served by this mock')
  })

  it('gives an OPTIONS that is no preflight to the vendor: its own 405, with CORS headers', async () => {
    const answer = await exchange(h, 'OPTIONS', REPOS, { Origin: 'http://localhost:5173' })
    expect(answer.status).toBe(405)
    expect(answer.headers.allow).toBe('GET, POST')
    expect(answer.headers['access-control-allow-origin']).toBe('http://localhost:5173')
    expect(answer.headers['access-control-expose-headers']).toBe('*')
    const body = JSON.parse(answer.body)
    expect(body.code).toBe('391905')
    expect(body.request_id).toBe(answer.headers['x-snowflake-request-id'])
  })

  it('sends no wall-clock Date with a handler answer', async () => {
    const answer = await exchange(h, 'GET', REPOS, { Authorization: 'Bearer t' })
    expect(answer.status).toBe(200)
    expect(answer.headers.date).toBeUndefined()
    expect(answer.headers['access-control-allow-origin']).toBe('*')
  })
  it('serves an absolute-form request target (a client using the mock as its HTTP proxy) as its path', async () => {
    const url = new URL(h.baseUrl)
    const raw = await rawExchange(
      url,
      `GET http://${url.host}${REPOS} HTTP/1.1\r\nHost: ${url.host}\r\nAuthorization: Bearer t\r\nConnection: close\r\n\r\n`,
    )
    const direct = await h.fetch(REPOS, { headers: { Authorization: 'Bearer t' } })
    expect(raw.split('\r\n', 1)[0]).toBe('HTTP/1.1 200 OK')
    expect(raw.slice(raw.indexOf('\r\n\r\n') + 4)).toBe(await direct.text())
  })

  it('journals a client that hangs up mid-body as abandoned: no 500, nothing stored', async () => {
    const session = 'hangs-up-mid-body'
    const url = new URL(h.baseUrl)
    const socket = connect(Number(url.port), url.hostname)
    await new Promise((resolve) => socket.once('connect', resolve))
    socket.write(
      `POST /api/v2/databases HTTP/1.1\r\nHost: ${url.host}\r\nAuthorization: Bearer t\r\nX-Mock-Session: ${session}\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"name":"HALF`,
    )
    await new Promise((resolve) => setTimeout(resolve, 100))
    socket.destroy()
    const headers = { 'X-Mock-Session': session }
    let entries: Array<{ operation: string; status: number; abandoned?: boolean }> = []
    for (let i = 0; i < 50 && entries.length === 0; i++) {
      await new Promise((resolve) => setTimeout(resolve, 20))
      entries = (await (await h.fetch('/__mock/journal', { headers })).json()).entries
    }
    expect(entries).toMatchObject([
      { operation: 'snowflake.createDatabase', status: 0, abandoned: true },
    ])
    const databases = await h.fetch('/api/v2/databases?like=HALF%25', {
      headers: { ...headers, Authorization: 'Bearer t' },
    })
    expect(await databases.json()).toEqual([])
  })
  it('drops the connection of a reset rule with a TCP reset, which the client sees as ECONNRESET', async () => {
    const session = 'reset-is-rst'
    await h.fetch('/__mock/faults', {
      method: 'POST',
      headers: { 'X-Mock-Session': session },
      body: JSON.stringify({
        match: { operation: 'snowflake.listImageRepositories' },
        effect: { network: 'reset' },
      }),
    })
    const url = new URL(h.baseUrl)
    const failure = await rawExchange(
      url,
      `GET ${REPOS} HTTP/1.1\r\nHost: ${url.host}\r\nAuthorization: Bearer t\r\nX-Mock-Session: ${session}\r\n\r\n`,
    ).then(
      (received) => `closed cleanly after ${received.length} bytes`,
      (error: NodeJS.ErrnoException) => error.code,
    )
    expect(failure).toBe('ECONNRESET')
  })
  it('takes a client that hangs up mid-body on a control route for no failure of its own', async () => {
    const logged = vi.spyOn(console, 'error').mockImplementation(() => {})
    try {
      const url = new URL(h.baseUrl)
      const socket = connect(Number(url.port), url.hostname)
      await new Promise((resolve) => socket.once('connect', resolve))
      socket.write(
        `POST /__mock/faults HTTP/1.1\r\nHost: ${url.host}\r\nX-Mock-Session: hangs-up-control\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"ma`,
      )
      await new Promise((resolve) => setTimeout(resolve, 100))
      socket.destroy()
      await new Promise((resolve) => setTimeout(resolve, 200))
      const rules = await h.fetch('/__mock/faults', {
        headers: { 'X-Mock-Session': 'hangs-up-control' },
      })
      expect(await rules.json()).toEqual({ rules: [] })
      expect(logged).not.toHaveBeenCalled()
    } finally {
      logged.mockRestore()
    }
  })
})

/** Writes `text` to a new connection and reads until the server closes it. */
function rawExchange(url: URL, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(Number(url.port), url.hostname, () => socket.write(text))
    let received = ''
    socket.setEncoding('utf8')
    socket.on('data', (chunk: string) => {
      received += chunk
    })
    socket.on('end', () => resolve(received))
    socket.on('error', reject)
  })
}
