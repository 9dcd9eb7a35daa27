import { type HttpHandler, HttpResponse, http } from 'msw'
import { createFaker } from '../core/faker.ts'
import type { Scenario } from '../core/scenario.ts'
import { CYCLE_HUBS, seedCycle } from '../fixtures/cycle.ts'
import { seedRhacs } from '../fixtures/rhacs.ts'
import { buildImageRepository } from '../fixtures/snowflake.ts'
import { seedSwr } from '../fixtures/swr.ts'
import { getImageSources, updateImageSource } from '../handlers/cycle/model/image-sources.ts'
import { parseListQuery } from '../handlers/cycle/query.ts'
import { cycle, rhacs, swr } from '../handlers/index.ts'
import { encodeListImage } from '../handlers/rhacs/encoding.ts'
import { ImageView, listImages, watchImage } from '../handlers/rhacs/model.ts'
import { displayIdentifier } from '../handlers/snowflake/identifiers.ts'
import {
  createImageRepository,
  fetchImageRepository,
  listImageRepositories,
} from '../handlers/snowflake/model/image-repositories.ts'
import type { ImageRepository } from '../handlers/snowflake/records.ts'
import { listSharedRepositories } from '../handlers/swr/model.ts'
import { parseSharedReposQuery } from '../handlers/swr/query.ts'
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
  /** A scenario to start from instead of `empty`. */
  scenario?: Scenario
  prepare(mock: Mock): Promise<void>
  /**
   * The same model logic as the operation, in one plain msw handler: no session lookup, auth,
   * faults, Prefer handling or journal. The "bare msw adapter" baseline. It reads what it uses
   * from the request (path parameter, query, body), unvalidated: a handler that ignored its
   * request would not be serving it.
   */
  bare(mock: Mock): HttpHandler
  /**
   * The same model logic and serializer with no Fetch objects at all, for a plain `node:http`
   * server: the distance from the mock to what the model itself allows. Given the request's
   * path and query and its body text; returns the JSON value to send with status 200.
   */
  plain?(mock: Mock, url: URL, body: string): unknown
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

/** 1,000 records each for RHACS, SWR and Cycle (with their accounts, keys and hubs). */
const THOUSAND: Scenario = {
  name: 'bench-1000',
  description: '1,000 RHACS images, SWR repositories and Cycle image sources',
  async seed(world) {
    await world.seed(rhacs, seedRhacs, { count: 1000 })
    await world.seed(swr, seedSwr, { count: 1000 })
    await world.seed(cycle, seedCycle, { count: 1000 })
  },
}
const RHACS_LIST =
  '/v1/images?query=Image%20Registry%3Aquay.io%2BImage%20CVE%20Count%3A%3E3&pagination.limit=50&pagination.offset=100&pagination.sortOption.field=Image%20Risk%20Priority'
const SWR_HEADERS = { 'X-Auth-Token': 'bench', 'Content-Type': 'application/json' }
const SWR_LIST =
  '/v2/manage/shared-repositories?center=self&limit=20&offset=40&order_column=name&order_type=asc'
const CYCLE_HEADERS = {
  Authorization: 'Bearer bench',
  'X-Hub-Id': CYCLE_HUBS.main.id,
  'Content-Type': 'application/json',
}
const CYCLE_LIST = '/v1/images/sources?sort=-name&page[number]=3&page[size]=20&include=creators'
const firstCycleSource = (mock: Mock) =>
  mock.db.cycle.sources
    .all()
    .find((s) => s.hub_id === CYCLE_HUBS.main.id && s.state.current === 'live')!.id

/** Both Snowflake list workloads' model logic: the schema's repositories, `like` as sent. */
const snowflakeList = (mock: Mock, url: URL) =>
  listImageRepositories(
    mock.db.snowflake,
    SNOWFLAKE_SCHEMA,
    url.searchParams.get('like') ?? undefined,
  ).map(serialize)

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
      http.get(`*${REPOS}`, ({ request }) =>
        HttpResponse.json(snowflakeList(mock, new URL(request.url))),
      ),
    plain: snowflakeList,
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
      http.get(`*${REPOS}`, ({ request }) =>
        HttpResponse.json(snowflakeList(mock, new URL(request.url))),
      ),
    plain: snowflakeList,
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
      http.get(`*${REPOS}/:name`, ({ params }) =>
        HttpResponse.json(
          serialize(
            fetchImageRepository(
              mock.db.snowflake,
              SNOWFLAKE_SCHEMA,
              String(params.name).toUpperCase(),
            ),
          ),
        ),
      ),
    plain: (mock, url) =>
      serialize(
        fetchImageRepository(
          mock.db.snowflake,
          SNOWFLAKE_SCHEMA,
          decodeURIComponent(url.pathname.slice(url.pathname.lastIndexOf('/') + 1)).toUpperCase(),
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
        const mode = new URL(request.url).searchParams.get('createMode') ?? 'errorIfExists'
        const status = await createImageRepository(
          mock.db.snowflake,
          SNOWFLAKE_SCHEMA,
          name.toUpperCase(),
          mode as 'orReplace',
          mock.raw.clock,
        )
        return HttpResponse.json({ status })
      }),
  },
  'rhacs-list': {
    title:
      'RHACS ListImages: 1,000 stored, query Image Registry:quay.io+Image CVE Count:>3, by risk, 50 from 100',
    vendor: 'rhacs',
    kind: 'read',
    method: 'GET',
    path: RHACS_LIST,
    headers: { Authorization: 'Bearer bench' },
    scenario: THOUSAND,
    prepare: async () => {},
    bare: (mock) =>
      http.get('*/v1/images', ({ request }) => {
        // The least a handler must do with its URL: read the four parameters, unvalidated.
        const params = new URL(request.url).searchParams
        const view = new ImageView(mock.db.rhacs, mock.clock.now())
        const images = listImages(view, params.get('query') ?? '', {
          limit: Number(params.get('pagination.limit')),
          offset: Number(params.get('pagination.offset')),
          sortField: params.get('pagination.sortOption.field') ?? undefined,
          reversed: params.get('pagination.sortOption.reversed') === 'true',
        })
        return HttpResponse.json({
          images: images.map((image) => encodeListImage(image, view)),
        } as never)
      }),
  },
  'rhacs-watch': {
    title: 'RHACS WatchImage (POST), 1,000 images stored',
    vendor: 'rhacs',
    kind: 'write',
    method: 'POST',
    path: '/v1/watchedimages',
    headers: { Authorization: 'Bearer bench', 'Content-Type': 'application/json' },
    body: JSON.stringify({ name: 'quay.io/acme/bench:1.0' }),
    scenario: THOUSAND,
    prepare: async () => {},
    bare: (mock) =>
      http.post('*/v1/watchedimages', async ({ request }) => {
        const { name } = (await request.json()) as { name: string }
        return HttpResponse.json(
          (await watchImage(
            mock.db.rhacs,
            { random: mock.raw.random, clock: mock.raw.clock },
            name,
          )) as never,
        )
      }),
  },
  'swr-list': {
    title: 'SWR ListSharedReposDetails: 1,000 stored, center=self, sorted by name, page 3 of 20',
    vendor: 'swr',
    kind: 'read',
    method: 'GET',
    path: SWR_LIST,
    headers: SWR_HEADERS,
    scenario: THOUSAND,
    prepare: async () => {},
    bare: (mock) =>
      http.get('*/v2/manage/shared-repositories', ({ request }) => {
        const query = parseSharedReposQuery(new URL(request.url).searchParams)
        const { items, total } = listSharedRepositories(mock.db.swr, query)
        return HttpResponse.json(
          items.map((r) => ({ ...r, total_range: total })),
          { headers: { 'Content-Range': `40-${items.length}/${total}` } },
        )
      }),
  },
  'cycle-list': {
    title: 'Cycle getImageSources: 1,000 stored, sort=-name, page 3 of 20, include=creators',
    vendor: 'cycle',
    kind: 'read',
    method: 'GET',
    path: CYCLE_LIST,
    headers: CYCLE_HEADERS,
    scenario: THOUSAND,
    prepare: async () => {},
    bare: (mock) =>
      http.get('*/v1/images/sources', ({ request }) =>
        HttpResponse.json(
          getImageSources(
            mock.db.cycle,
            CYCLE_HUBS.main.id,
            parseListQuery(new URL(request.url).searchParams),
          ) as never,
        ),
      ),
  },
  'cycle-update': {
    title: 'Cycle updateImageSource (PATCH name), 1,000 stored',
    vendor: 'cycle',
    kind: 'write',
    method: 'PATCH',
    path: '/v1/images/sources/{first}',
    headers: CYCLE_HEADERS,
    body: JSON.stringify({ name: 'renamed-by-bench' }),
    scenario: THOUSAND,
    prepare: async () => {},
    bare: (mock) =>
      http.patch('*/v1/images/sources/:id', async ({ params, request }) => {
        const body = (await request.json()) as { name: string }
        const updated = await updateImageSource(
          mock.db.cycle,
          CYCLE_HUBS.main.id,
          String(params.id),
          body,
          mock.raw.clock,
        )
        return HttpResponse.json({ data: updated } as never)
      }),
  },
}

/** The fixture's path with `{first}` filled with the first live Cycle source of the main hub. */
export function fixturePath(fixture: BenchFixture, mock: Mock): string {
  return fixture.path.replace('{first}', () => firstCycleSource(mock))
}

/**
 * A mock on the `empty` scenario with the fixture's records and the whole pipeline on: auth,
 * sessions, journal, and a fault rule that is checked on every request but never fires.
 */
export async function prepareMock(fixture: BenchFixture): Promise<Mock> {
  const mock = createMock({ scenario: fixture.scenario ?? 'empty' })
  await mock.ready
  await fixture.prepare(mock)
  mock.faults.add({
    id: 'inactive',
    match: { operation: '*', headers: { 'x-bench-never': 'sent' } },
    effect: { status: 503 },
  })
  return mock
}

/** Reads a fixture's answer to the end, failing on none or an error status. */
export async function drainAnswer(response: Response | undefined): Promise<void> {
  if (!response || response.status >= 400) throw new Error(`unexpected answer ${response?.status}`)
  await response.arrayBuffer()
}

/** The fixture's request, for `getResponse` and `fetch`. */
export function fixtureRequest(
  fixture: BenchFixture,
  mock: Mock,
  origin = 'http://bench.local',
): Request {
  return new Request(`${origin}${fixturePath(fixture, mock)}`, {
    method: fixture.method,
    headers: fixture.headers,
    body: fixture.body,
  })
}
