import { request as httpRequest } from 'node:http'
import { afterEach, describe, expect, it } from 'vitest'
import { type Harness, startHarness } from '../support/harness.ts'

let h: Harness | undefined
afterEach(async () => {
  await h?.close()
  h = undefined
})

interface Answer {
  status: number
  body: string
}

/** Node's own client, no `Expect: 100-continue`: the body is on the wire before any answer. */
function send(
  baseUrl: string,
  method: string,
  path: string,
  body: Buffer,
  fresh = false,
): Promise<Answer> {
  const url = new URL(path, baseUrl)
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      url,
      {
        method,
        // A fresh connection each time sends `Connection: close`, where an early close resets.
        ...(fresh ? { agent: false } : {}),
        headers: {
          Authorization: 'Bearer any-token',
          'X-Hub-Id': 'hub',
          'Content-Type': 'application/json',
          'Content-Length': String(body.length),
        },
      },
      (res) => {
        const chunks: Buffer[] = []
        res.on('data', (chunk: Buffer) => chunks.push(chunk))
        res.on('end', () =>
          res.complete
            ? resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() })
            : reject(new Error('the answer was cut off')),
        )
        res.on('aborted', () => reject(new Error('the answer was aborted')))
        res.on('error', reject)
      },
    )
    req.on('error', reject)
    req.end(body)
  })
}

const MEGABYTE = Buffer.alloc(1024 * 1024, 0x61)

describe('a request body the endpoint does not read (through Express)', () => {
  it.each([
    ['GET', '/v1/export/images', 'the streamed RHACS export'],
    ['GET', '/v1/imagescount', 'a plain JSON answer'],
    ['GET', '/__mock/health', 'the control API'],
  ])('%s %s (%s) answers in full, every time, with a 1 MB body', async (method, path) => {
    h = await startHarness('express', { seed: 1 })
    for (let attempt = 0; attempt < 12; attempt++) {
      const answer = await send(h.baseUrl, method, path, MEGABYTE, attempt % 2 === 0)
      expect(answer.status, `attempt ${attempt + 1}`).toBe(200)
      expect(answer.body.length, 'the whole body arrived').toBeGreaterThan(0)
      if (path === '/v1/export/images') {
        const lines = answer.body.trim().split('\n')
        expect(() => lines.map((line) => JSON.parse(line))).not.toThrow()
      }
    }
    // The connection pool still works afterwards.
    expect((await h.fetch('/__mock/health')).status).toBe(200)
  })

  it("keeps the store intact and answers Cycle's own error for an oversized body on a write", async () => {
    h = await startHarness('express', { seed: 1, maxBodyBytes: 1024 })
    const before = h.mock.db.cycle.sources.count()
    const answer = await send(h.baseUrl, 'POST', '/v1/images/sources', MEGABYTE)
    // Cycle's catalogue has no 413: its error for too large an input is 422.max-exceeded.
    expect(answer.status).toBe(422)
    expect(JSON.parse(answer.body).error.code).toBe('422.max-exceeded')
    expect(h.mock.db.cycle.sources.count()).toBe(before)
  })
})

describe('requests the standalone server cannot hand to a handler', () => {
  it.each(['TRACE'])('answers %s with a JSON 405, never a 500 page', async (method) => {
    h = await startHarness('express', { seed: 1 })
    const answer = await send(h.baseUrl, method, '/__mock/health', Buffer.alloc(0))
    expect(answer.status).toBe(405)
    expect(JSON.parse(answer.body).error.status).toBe(405)
    expect((await h.fetch('/__mock/health')).status, 'the server keeps serving').toBe(200)
  })
})
