import { expect } from 'vitest'
import { CYCLE_HUBS } from '../../fixtures/cycle.ts'
import type { Harness } from '../support/harness.ts'
import { expectCycleShape } from './contract.ts'

/** The main hub of the scenarios. */
export const HUB = CYCLE_HUBS.main.id

/** Any bearer token not among the scenario's API keys may do everything, as the hub owner. */
export const AUTH = { Authorization: 'Bearer any-token', 'X-Hub-Id': HUB }
export const JSON_AUTH = { ...AUTH, 'Content-Type': 'application/json' }
export const SOURCES = '/v1/images/sources'
export const ZERO_TIME = '0001-01-01T00:00:00Z'
export const OBJECT_ID = /^[0-9a-f]{24}$/

/** Small request helpers bound to a harness. */
export function client(h: () => Harness) {
  const send = (method: string, path: string, body: unknown, headers: Record<string, string>) =>
    h().fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    })
  return {
    get: (path: string, headers: Record<string, string> = AUTH) => h().fetch(path, { headers }),
    post: (path: string, body: unknown, headers: Record<string, string> = JSON_AUTH) =>
      send('POST', path, body, headers),
    patch: (path: string, body: unknown, headers: Record<string, string> = JSON_AUTH) =>
      send('PATCH', path, body, headers),
    del: (path: string, headers: Record<string, string> = AUTH) =>
      h().fetch(path, { method: 'DELETE', headers }),
  }
}

/** Asserts a Cycle error: status, code, detail and (when given) the JSON pointer of the culprit. */
export async function expectCycleError(
  response: Response,
  status: number,
  code: string,
  detail: RegExp,
  source?: string,
) {
  const body = await response.json()
  expect(response.status, JSON.stringify(body)).toBe(status)
  expectCycleShape('ErrorEnvelope', body)
  expect(body.error.status, 'the envelope repeats the HTTP status').toBe(status)
  expect(body.error.code).toBe(code)
  expect(body.error.detail).toMatch(detail)
  if (source !== undefined) expect(body.error.source).toBe(source)
  expect(response.headers.get('x-request-id'), 'every answer carries a request id').toMatch(
    /^[0-9a-f]{32}$/,
  )
  return body
}

/** A minimal valid create body. */
export function newSource(overrides: Record<string, unknown> = {}) {
  return {
    name: 'My Web App',
    type: 'direct',
    origin: { type: 'docker-hub', details: { target: 'nginx:1.27' } },
    ...overrides,
  }
}
