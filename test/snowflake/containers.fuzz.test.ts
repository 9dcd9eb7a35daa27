import fc from 'fast-check'
import { describe, it } from 'vitest'
import type { databaseOperations } from '../../handlers/snowflake/databases.ts'
import type { schemaOperations } from '../../handlers/snowflake/schemas.ts'
import {
  checkOperation,
  type FuzzRequest,
  hostileBody,
  hostileNumber,
  hostileString,
} from '../robustness/fuzz-support.ts'

const AUTH = { Authorization: 'Bearer fuzz', 'Content-Type': 'application/json' }
const DBS = '/api/v2/databases'
const enc = encodeURIComponent

const isSnowflakeError = (body: unknown) => {
  const b = body as Record<string, unknown>
  return ['message', 'code', 'error_code', 'request_id'].every((k) => typeof b?.[k] === 'string')
}

const name = fc.oneof(
  fc.constantFrom('ml_platform', 'images', 'public', '"Quoted"', 'x'),
  hostileString,
)
const query = fc
  .array(
    fc.tuple(
      fc.constantFrom(
        'like',
        'startsWith',
        'showLimit',
        'fromName',
        'history',
        'createMode',
        'kind',
        'ifExists',
        'restrict',
      ),
      fc.oneof(hostileString, hostileNumber),
    ),
    { maxLength: 4 },
  )
  .map((pairs) => (pairs.length ? `?${pairs.map(([k, v]) => `${k}=${enc(v)}`).join('&')}` : ''))
const body = fc.oneof(
  hostileBody,
  hostileString.map((n) => JSON.stringify({ name: n })),
  fc
    .record({
      name: hostileString,
      kind: hostileString,
      data_retention_time_in_days: hostileNumber,
    })
    .map((b) => JSON.stringify(b)),
)
const request = (method: string, path: fc.Arbitrary<string>, withBody = false) =>
  fc.record({
    method: fc.constant(method),
    path,
    headers: fc.constant(AUTH),
    ...(withBody ? { body } : {}),
  }) as fc.Arbitrary<FuzzRequest>

/** One arbitrary per database and schema operation: a new one without it does not compile. */
type ContainerOperationId = (typeof databaseOperations | typeof schemaOperations)[number]['id']
const operations: Record<ContainerOperationId, fc.Arbitrary<FuzzRequest>> = {
  listDatabases: request(
    'GET',
    query.map((q) => `${DBS}${q}`),
  ),
  createDatabase: request(
    'POST',
    query.map((q) => `${DBS}${q}`),
    true,
  ),
  fetchDatabase: request(
    'GET',
    name.map((n) => `${DBS}/${enc(n)}`),
  ),
  deleteDatabase: request(
    'DELETE',
    fc.tuple(name, query).map(([n, q]) => `${DBS}/${enc(n)}${q}`),
  ),
  undropDatabase: request(
    'POST',
    name.map((n) => `${DBS}/${enc(n)}:undrop`),
  ),
  listSchemas: request(
    'GET',
    fc.tuple(name, query).map(([d, q]) => `${DBS}/${enc(d)}/schemas${q}`),
  ),
  createSchema: request(
    'POST',
    fc.tuple(name, query).map(([d, q]) => `${DBS}/${enc(d)}/schemas${q}`),
    true,
  ),
  fetchSchema: request(
    'GET',
    fc.tuple(name, name).map(([d, s]) => `${DBS}/${enc(d)}/schemas/${enc(s)}`),
  ),
  deleteSchema: request(
    'DELETE',
    fc.tuple(name, name, query).map(([d, s, q]) => `${DBS}/${enc(d)}/schemas/${enc(s)}${q}`),
  ),
  undropSchema: request(
    'POST',
    fc.tuple(name, name).map(([d, s]) => `${DBS}/${enc(d)}/schemas/${enc(s)}:undrop`),
  ),
}

describe('Snowflake databases and schemas under malformed input', () => {
  for (const [operation, arbitrary] of Object.entries(operations)) {
    it(
      `${operation}: never a 5xx or a hang; refusals are Snowflake-shaped and change nothing`,
      () => checkOperation(arbitrary, isSnowflakeError),
      60_000,
    )
  }
})
