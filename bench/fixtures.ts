import { en, Faker } from '@faker-js/faker'
import { buildImageRepository } from '../fixtures/snowflake.ts'
import { createMock, type Mock } from '../index.ts'

/** A benchmark workload: how to prepare the mock and which request to send. */
export interface BenchFixture {
  title: string
  method: 'GET' | 'POST'
  path: string
  init(): RequestInit
  prepare(mock: Mock): Promise<void>
}

const AUTH = { Authorization: 'Bearer bench-token' }
const SNOWFLAKE_SCHEMA = { database: 'ML_PLATFORM', schema: 'IMAGES' }
const REPOS = '/api/v2/databases/ml_platform/schemas/images/image-repositories'

/** Puts `count` repositories into ML_PLATFORM.IMAGES, about a tenth of them named `TEAM_…`. */
async function snowflakeRepositories(mock: Mock, count: number): Promise<void> {
  const faker = new Faker({ locale: [en] })
  faker.seed(11)
  const store = mock.db.snowflake
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

/** The workloads, by name. */
export const FIXTURES: Record<string, BenchFixture> = {
  'snowflake-list': {
    title: 'Snowflake listImageRepositories: 1,000 stored, like=team% selects 100',
    method: 'GET',
    path: `${REPOS}?like=team%25`,
    init: () => ({ headers: AUTH }),
    prepare: (mock) => snowflakeRepositories(mock, 1_000),
  },
  'snowflake-fetch': {
    title: 'Snowflake fetchImageRepository (1,000 repositories stored)',
    method: 'GET',
    path: `${REPOS}/team_000500`,
    init: () => ({ headers: AUTH }),
    prepare: (mock) => snowflakeRepositories(mock, 1_000),
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
    match: { operation: '*', method: 'PATCH' },
    effect: { status: 503 },
  })
  return mock
}
