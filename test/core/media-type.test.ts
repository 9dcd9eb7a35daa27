import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { CYCLE_HUBS } from '../../fixtures/cycle.ts'
import { type Harness, startHarness, TRANSPORTS } from '../support/harness.ts'

/**
 * Every vendor reads `Content-Type` as a media type (RFC 9110 §8.3.1): type and parameter names
 * case-insensitive, spaces around `;`, and a quoted parameter value equal to the unquoted one
 * (§5.6.6), as real clients send it.
 */
const SAME_AS_JSON = [
  'application/json; charset="UTF-8"',
  'Application/JSON ; Charset=utf-8',
  'application/json;charset="utf-8"',
]
const NOT_JSON = ['text/plain', 'application/jsonp', 'application/json, text/plain']

describe.each(TRANSPORTS)('Content-Type parsing of every vendor (%s)', (transport) => {
  let h: Harness
  beforeEach(async () => {
    h = await startHarness(transport)
  })
  afterEach(() => h.close())

  const swr = (type: string) =>
    h.fetch('/v2/manage/shared-repositories?center=self', {
      headers: { 'X-Auth-Token': 'iam-token', 'Content-Type': type },
    })
  const snowflake = (type: string, name: string) =>
    h.fetch('/api/v2/databases', {
      method: 'POST',
      headers: { Authorization: 'Bearer t', 'Content-Type': type },
      body: JSON.stringify({ name }),
    })
  const cycle = (type: string) =>
    h.fetch('/v1/images/sources', {
      method: 'POST',
      headers: { Authorization: 'Bearer t', 'X-Hub-Id': CYCLE_HUBS.main.id, 'Content-Type': type },
      // Not an object: a 422 says the media type passed, a 415 that it did not.
      body: '[]',
    })

  it.each(SAME_AS_JSON)('SWR, Snowflake and Cycle take %j as JSON', async (type) => {
    expect((await swr(type)).status).toBe(200)
    expect((await snowflake(type, 'media_type_db')).status).toBe(200)
    const created = await cycle(type)
    expect(created.status).toBe(422)
    expect((await created.json()).error.code).toBe('422.invalid-input')
  })

  it.each(NOT_JSON)('SWR, Snowflake and Cycle refuse %j as their contracts say', async (type) => {
    const listed = await swr(type)
    expect(listed.status).toBe(400)
    expect((await listed.json()).error_msg).toMatch(/Content-Type ".*" is not supported/)
    const database = await snowflake(type, 'not_created')
    expect(database.status).toBe(415)
    expect((await database.json()).message).toMatch(/^Unsupported media type/)
    const source = await cycle(type)
    expect(source.status).toBe(415)
    expect((await source.json()).error.code).toBe('415.invalid-content-type')
  })

  it('SWR takes UTF-8 only, as its contract lists', async () => {
    expect((await swr('application/json; charset=UTF8')).status).toBe(200)
    expect((await swr('application/json; charset=iso-8859-1')).status).toBe(400)
  })
})
