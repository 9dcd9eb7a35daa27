import { type HttpHandler, HttpResponse, http } from 'msw'
import { createFaker } from '../core/faker.ts'
import { buildImageRepository } from '../fixtures/snowflake.ts'
import { displayIdentifier } from '../handlers/snowflake/identifiers.ts'
import {
  createImageRepository,
  fetchImageRepository,
  listImageRepositories,
} from '../handlers/snowflake/model.ts'
import type { ImageRepository } from '../handlers/snowflake/schemas.ts'
import { createMock, type Mock } from '../index.ts'

/** A benchmark workload: how to prepare the mock, which request to send, and its bare baseline. */
export interface BenchFixture {
  title: string
  vendor: string
  kind: 'read' | 'write'
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE'
  path: string
  headers: Record<string, string>
  body?: string
  prepare(mock: Mock): Promise<void>
  /**
   * The same model logic as the operation, in one plain msw handler: no session lookup, auth,
   * faults, Prefer handling or journal. The "bare msw adapter" baseline.
   */
  bare(mock: Mock): HttpHandler
}

const SNOWFLAKE_AUTH = { Authorization: 'Bearer bench-token' }
const SNOWFLAKE_SCHEMA = { database: 'ML_PLATFORM', schema: 'IMAGES' }
const REPOS = '/api/v2/databases/ml_platform/schemas/images/image-repositories'

/** Puts `count` repositories into ML_PLATFORM.IMAGES, every tenth named `TEAM_…`. */
export async function snowflakeRepositories(
  mock: Mock,
  count: number,
  session = 'default',
): Promise<void> {
  const faker = createFaker(11)
  const store = mock.dbOf(session).snowflake
  const now = mock.clock.now()
  for (let i = 0; i < count; i++) {
    const prefix = i % 10 === 0 ? 'TEAM' : 'SVC'
    await store.repositories.create(
      buildImageRepository(faker, store, SNOWFLAKE_SCHEMA, now, {
        name: `${prefix}_${String(i).padStart(6, '0')}`,
      }),
    )
  }
}

const serialize = (r: ImageRepository) => ({ ...r, name: displayIdentifier(r.name) })

/** The workloads, by name. */
export const FIXTURES: Record<string, BenchFixture> = {
  'snowflake-list': {
    title: 'Snowflake listImageRepositories: 1,000 stored, like=team% selects 100',
    vendor: 'snowflake',
    kind: 'read',
    method: 'GET',
    path: `${REPOS}?like=team%25`,
    headers: SNOWFLAKE_AUTH,
    prepare: (mock) => snowflakeRepositories(mock, 1_000),
    bare: (mock) =>
      http.get(`*${REPOS}`, () =>
        HttpResponse.json(
          listImageRepositories(mock.db.snowflake, SNOWFLAKE_SCHEMA, 'team%').map(serialize),
        ),
      ),
  },
  'snowflake-list-50': {
    title: 'Snowflake listImageRepositories: 50 stored, no filter (the Prism comparison)',
    vendor: 'snowflake',
    kind: 'read',
    method: 'GET',
    path: REPOS,
    headers: SNOWFLAKE_AUTH,
    prepare: (mock) => snowflakeRepositories(mock, 50),
    bare: (mock) =>
      http.get(`*${REPOS}`, () =>
        HttpResponse.json(
          listImageRepositories(mock.db.snowflake, SNOWFLAKE_SCHEMA).map(serialize),
        ),
      ),
  },
  'snowflake-fetch': {
    title: 'Snowflake fetchImageRepository (1,000 stored)',
    vendor: 'snowflake',
    kind: 'read',
    method: 'GET',
    path: `${REPOS}/team_000500`,
    headers: SNOWFLAKE_AUTH,
    prepare: (mock) => snowflakeRepositories(mock, 1_000),
    bare: (mock) =>
      http.get(`*${REPOS}/:name`, () =>
        HttpResponse.json(
          serialize(fetchImageRepository(mock.db.snowflake, SNOWFLAKE_SCHEMA, 'TEAM_000500')),
        ),
      ),
  },
  'snowflake-create': {
    title: 'Snowflake createImageRepository, createMode=orReplace (1,000 stored)',
    vendor: 'snowflake',
    kind: 'write',
    method: 'POST',
    path: `${REPOS}?createMode=orReplace`,
    headers: { ...SNOWFLAKE_AUTH, 'Content-Type': 'application/json' },
    body: JSON.stringify({ name: 'bench_repo' }),
    prepare: (mock) => snowflakeRepositories(mock, 1_000),
    bare: (mock) =>
      http.post(`*${REPOS}`, async ({ request }) => {
        const { name } = (await request.json()) as { name: string }
        const status = await createImageRepository(
          mock.db.snowflake,
          SNOWFLAKE_SCHEMA,
          name.toUpperCase(),
          'orReplace',
          mock.session.clock,
        )
        return HttpResponse.json({ status })
      }),
  },
}

/**
 * A mock on the `empty` scenario with the fixture's records and the whole pipeline on: auth,
 * sessions, journal, and a fault rule that is checked on every request but never fires.
 */
export async function prepareMock(fixture: BenchFixture): Promise<Mock> {
  const mock = createMock({ scenario: 'empty' })
  await mock.ready
  await fixture.prepare(mock)
  mock.faults.add({
    id: 'inactive',
    match: { operation: '*', method: 'PUT' },
    effect: { status: 503 },
  })
  return mock
}

/** The fixture's request, for `getResponse` and `fetch`. */
export function fixtureRequest(fixture: BenchFixture, origin = 'http://bench.local'): Request {
  return new Request(`${origin}${fixture.path}`, {
    method: fixture.method,
    headers: fixture.headers,
    body: fixture.body,
  })
}
