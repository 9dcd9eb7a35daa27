import { expect } from 'vitest'
import type { Harness } from '../support/harness.ts'
import { expectSnowflakeShape } from './contract.ts'

export const AUTH = { Authorization: 'Bearer test-oauth-token' }
export const JSON_AUTH = { ...AUTH, 'Content-Type': 'application/json' }
export const DBS = '/api/v2/databases'
export const DAY = 86_400_000
export const enc = encodeURIComponent

/** Request and assertion helpers for the database and schema suites, over one harness. */
export function containerHelpers(harness: () => Harness) {
  const h = {
    fetch: (path: string, init?: RequestInit) => harness().fetch(path, init),
  }
  const get = (path: string, headers: Record<string, string> = AUTH) => h.fetch(path, { headers })
  const post = (path: string, body?: unknown, headers: Record<string, string> = JSON_AUTH) =>
    h.fetch(path, {
      method: 'POST',
      headers,
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    })
  const del = (path: string, headers: Record<string, string> = AUTH) =>
    h.fetch(path, { method: 'DELETE', headers })
  const names = async (path: string) =>
    ((await (await get(path)).json()) as Array<{ name: string }>).map((r) => r.name)

  async function expectOk(response: Response, status: RegExp | string) {
    const body = await response.json()
    expect(response.status, JSON.stringify(body)).toBe(200)
    expectSnowflakeShape('SuccessResponse', body)
    if (typeof status === 'string') expect(body.status).toBe(status)
    else expect(body.status).toMatch(status)
    return body
  }

  /** Everything a client can read about a database: itself, its schemas, their repositories. */
  async function snapshot(database: string) {
    const db = await (await get(`${DBS}/${database}`)).json()
    const schemas = await (await get(`${DBS}/${database}/schemas`)).json()
    const repositories: Record<string, unknown> = {}
    for (const { name } of schemas as Array<{ name: string }>) {
      const base = `${DBS}/${database}/schemas/${enc(name)}/image-repositories`
      const repos = await (await get(base)).json()
      repositories[name] = await Promise.all(
        (repos as Array<{ name: string }>).map(async (repo) => ({
          repo,
          images: await (await get(`${base}/${repo.name}/images`)).json(),
          tags: await (await get(`${base}/${repo.name}:get-tags`)).json(),
        })),
      )
    }
    return { db, schemas, repositories }
  }

  return { get, post, del, names, expectOk, expectError: expectSnowflakeError, snapshot }
}

/** Asserts a Snowflake error answer: status, code in both fields, message, request id header. */
export async function expectSnowflakeError(
  response: Response,
  status: number,
  code: string,
  message: RegExp,
) {
  const body = await response.json()
  expect(response.status, JSON.stringify(body)).toBe(status)
  expectSnowflakeShape('ErrorResponse', body)
  expect(body.code).toBe(code)
  expect(body.error_code).toBe(code)
  expect(body.message).toMatch(message)
  expect(body.request_id).toBe(response.headers.get('x-snowflake-request-id'))
  return body
}
