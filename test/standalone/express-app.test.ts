import { request } from 'node:http'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
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
})
