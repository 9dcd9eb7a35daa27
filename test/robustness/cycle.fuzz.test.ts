import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { CYCLE_BUILDER_IDENTIFIER, CYCLE_HUBS } from '../../fixtures/cycle.ts'
import { IMAGE_ORIGIN_TYPES, IMAGE_SOURCE_TYPES } from '../../handlers/cycle/records.ts'
import type { Mock } from '../../index.ts'
import { type CycleOperationId, expectCycleShape } from '../cycle/contract.ts'
import {
  type CheckOptions,
  checkOperation,
  type FuzzRequest,
  hostileBody,
  hostileNumber,
  hostileString,
  send,
  withPrototypeKeys,
} from './fuzz-support.ts'

const SOURCES = '/v1/images/sources'
/** Auth and hub are checked before anything else, so every property sends valid ones. */
const AUTH = { Authorization: 'Bearer fuzz', 'X-Hub-Id': CYCLE_HUBS.main.id }
const JSON_AUTH = { ...AUTH, 'Content-Type': 'application/json' }
const enc = encodeURIComponent

/** Cycle's envelope `{error: {status, code, title, detail}, data: null}`, and a request id. */
const isCycleError = (body: unknown, response: Response) => {
  expectCycleShape('ErrorEnvelope', body)
  const { error } = body as { error: { status: number; code: string } }
  expect(error.status, 'the envelope repeats the HTTP status').toBe(response.status)
  expect(error.code.startsWith(`${response.status}.`), `code ${error.code} fits the status`).toBe(
    true,
  )
  expect(response.headers.get('x-request-id')).toMatch(/^[0-9a-f]{32}$/)
  return true
}

/**
 * The mock the properties run against, with two deletion jobs to aim getJob at.
 * The clock is frozen (`stepMs: 0`): jobs advance with session time on every Cycle request,
 * refused ones included, by design ("time alone completes jobs nobody polls"), and a moving
 * clock would make that look like a refused request changing the store.
 */
function options(id: CycleOperationId): CheckOptions {
  return {
    mock: { clock: { stepMs: 0 } },
    examples: REGRESSIONS[id],
    prepare: async (mock) => {
      const live = liveSources(mock).slice(-2)
      for (const source of live) {
        const response = await send(mock, {
          method: 'DELETE',
          path: `${SOURCES}/${source.id}`,
          headers: AUTH,
        })
        expect(response.status, 'the preparing delete starts a job').toBe(202)
      }
    },
    checkSuccess: (text) => expectCycleShape(id, JSON.parse(text)),
  }
}

/** Inputs that once broke an operation, tried first. */
const REGRESSIONS: Partial<Record<CycleOperationId, FuzzRequest[]>> = {
  // `sort=` keys were looked up with `in`, which finds Object.prototype's members: a 500.
  getImageSources: ['__proto__', '-valueOf', 'constructor'].map((sort) => ({
    method: 'GET',
    path: `${SOURCES}?sort=${sort}`,
    headers: AUTH,
  })),
}

function liveSources(mock: Mock) {
  return mock.db.cycle.sources
    .all()
    .filter((s) => s.hub_id === CYCLE_HUBS.main.id && s.state.current === 'live')
}

/**
 * A path segment that stays one: `.` and `..` would be resolved away by the URL parser, and an
 * empty one would address the list.
 */
const segment = hostileString.filter((s) => !['', '.', '..'].includes(s)).map(enc)

/** Real source IDs (live, deleting, deleted, another hub's), unknown ObjectIds, or hostile text. */
function sourceId(mock: Mock): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...mock.db.cycle.sources.all().map((s) => s.id)) },
    {
      weight: 1,
      arbitrary: fc.string({
        unit: fc.constantFrom(...'0123456789abcdef'),
        minLength: 24,
        maxLength: 24,
      }),
    },
    { weight: 2, arbitrary: segment },
  )
}

/** Mostly the right kind of value for a parameter, sometimes anything at all. */
function paramValue(right: fc.Arbitrary<string>): fc.Arbitrary<string> {
  return fc.oneof({ weight: 3, arbitrary: right }, hostileString, hostileNumber)
}

const INCLUDE = fc.constantFrom('creators', 'integrations', 'creators,integrations', 'creators,')
const META = fc.constantFrom('images_count', 'images_count,images_count')

/** `key=value` pairs of a list request: known, unknown, malformed and repeated keys. */
function listQuery(mock: Mock): fc.Arbitrary<string> {
  const identifiers = mock.db.cycle.sources.all().map((s) => s.identifier)
  const pair = fc.oneof(
    fc.tuple(fc.constant('page[number]'), paramValue(fc.constantFrom('1', '2', '3'))),
    fc.tuple(fc.constant('page[size]'), paramValue(fc.constantFrom('1', '5', '20', '100'))),
    fc.tuple(fc.constant('filter[identifier]'), paramValue(fc.constantFrom(...identifiers))),
    fc.tuple(fc.constant('filter[search]'), paramValue(fc.constantFrom('nginx', 'docker', 'a'))),
    fc.tuple(
      fc.constant('filter[state]'),
      paramValue(fc.constantFrom('live', 'deleted', 'live,deleting', '')),
    ),
    fc.tuple(
      fc.constant('sort'),
      fc.oneof(
        paramValue(fc.constantFrom('name', '-events.created', 'id,-name', 'state.current')),
        // Keys a plain-object table would find on Object.prototype.
        fc.constantFrom('-valueOf', 'name,__proto__', '-constructor'),
      ),
    ),
    fc.tuple(fc.constant('include'), paramValue(INCLUDE)),
    fc.tuple(fc.constant('meta'), paramValue(META)),
    fc.tuple(
      fc.oneof(
        fc.constantFrom('page', 'page[]', 'page[offset]', 'filter[', 'filter[name]', 'unknown'),
        hostileString,
      ),
      fc.oneof(hostileString, hostileNumber),
    ),
  )
  return fc
    .array(pair, { maxLength: 5 })
    .map((pairs) =>
      pairs.length ? `?${pairs.map(([k, v]) => `${enc(k)}=${enc(v)}`).join('&')}` : '',
    )
}

/** `include=` and `meta=` for single-source reads, right or not. */
const singleQuery = fc
  .array(
    fc.oneof(
      fc.tuple(fc.constant('include'), paramValue(INCLUDE)),
      fc.tuple(fc.constant('meta'), paramValue(META)),
      fc.tuple(hostileString, hostileString),
    ),
    { maxLength: 3 },
  )
  .map((pairs) =>
    pairs.length ? `?${pairs.map(([k, v]) => `${enc(k)}=${enc(v)}`).join('&')}` : '',
  )

/** Mostly application/json, sometimes another media type or none. */
const bodyHeaders = fc.oneof(
  { weight: 6, arbitrary: fc.constant(JSON_AUTH) },
  { weight: 1, arbitrary: fc.constant(AUTH) },
  {
    weight: 1,
    arbitrary: fc
      .constantFrom('text/plain', 'application/json; charset=utf-8', 'application/xml', '*/*')
      .map((type) => ({ ...AUTH, 'Content-Type': type })),
  },
)

/** A value of any JSON type, or a hostile string. */
const anyJson = fc.oneof(hostileString, fc.jsonValue({ maxDepth: 2 }))
const objectIdLike = fc.string({
  unit: fc.constantFrom(...'0123456789abcdef'),
  minLength: 24,
  maxLength: 24,
})

/** Origins: the seeded (valid) ones, near misses of each variant, or anything. */
function origin(mock: Mock): fc.Arbitrary<unknown> {
  const ids = mock.db.cycle.sources.all().map((s) => s.id)
  return fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(...mock.db.cycle.sources.all().map((s) => s.origin)) },
    {
      weight: 2,
      arbitrary: fc.record(
        {
          type: fc.oneof(fc.constantFrom(...IMAGE_ORIGIN_TYPES), hostileString),
          details: fc.oneof(
            fc.record(
              {
                target: fc.oneof(fc.constant('nginx:1.27'), hostileString),
                url: fc.oneof(fc.constant('ghcr.io'), hostileString),
                source_id: fc.oneof(fc.constantFrom(...ids), objectIdLike, hostileString),
                existing: fc.record(
                  { source_id: fc.oneof(fc.constantFrom(...ids), objectIdLike, anyJson) },
                  { requiredKeys: [] },
                ),
                expires: fc.oneof(fc.constant('2026-03-03T09:00:00Z'), hostileString),
                token: hostileString,
              },
              { requiredKeys: [] },
            ),
            anyJson,
          ),
        },
        { requiredKeys: [] },
      ),
    },
    { weight: 1, arbitrary: anyJson },
  )
}

const acl = fc.oneof(
  fc.constant(null),
  fc.record(
    {
      roles: fc.oneof(
        fc.dictionary(
          fc.oneof(objectIdLike, hostileString),
          fc.oneof(
            fc.record({ view: fc.boolean(), modify: fc.boolean(), manage: fc.boolean() }),
            fc.record(
              { view: anyJson, modify: anyJson, manage: anyJson, extra: anyJson },
              { requiredKeys: [] },
            ),
          ),
          { maxKeys: 3 },
        ),
        anyJson,
      ),
    },
    { requiredKeys: [] },
  ),
  anyJson,
)

/** Create or update fields: right, wrong type, hostile, null, unknown. */
function sourceFields(mock: Mock) {
  return {
    name: fc.oneof({ weight: 2, arbitrary: fc.constant('Fuzzed Source') }, hostileString, anyJson),
    identifier: fc.oneof(fc.constant('fuzzed-source'), hostileString, anyJson),
    type: fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...IMAGE_SOURCE_TYPES) }, anyJson),
    origin: origin(mock),
    acl,
    builder: fc.oneof(
      fc.constant(null),
      fc.record({
        integration_id: fc.oneof(
          fc.constant(CYCLE_BUILDER_IDENTIFIER),
          fc.constantFrom(...mock.db.cycle.integrations.all().map((i) => i.id)),
          hostileString,
          anyJson,
        ),
      }),
      anyJson,
    ),
    about: fc.oneof(
      fc.record({ description: fc.oneof(fc.constant(null), hostileString) }),
      anyJson,
    ),
    unknown_field: anyJson,
  }
}

/**
 * A JSON body: a valid one with one field changed, optional fields at random, the required fields
 * with hostile values, or a hostile body outright.
 */
function body(
  valid: fc.Arbitrary<Record<string, unknown>>,
  fields: Record<string, fc.Arbitrary<unknown>>,
  required: string[],
) {
  const mutated = fc
    .tuple(valid, fc.constantFrom(...Object.keys(fields)))
    .chain(([base, key]) =>
      (fields[key] as fc.Arbitrary<unknown>).map((value) => ({ ...base, [key]: value })),
    )
  const known = Object.fromEntries(Object.entries(fields).filter(([k]) => k !== 'unknown_field'))
  return fc.oneof(
    { weight: 4, arbitrary: mutated.map((record) => JSON.stringify(record)) },
    {
      weight: 2,
      arbitrary: fc.record(fields, { requiredKeys: [] }).map((record) => JSON.stringify(record)),
    },
    {
      weight: 2,
      arbitrary: fc
        .record(known, { requiredKeys: required })
        .map((record) => JSON.stringify(record)),
    },
    { weight: 1, arbitrary: withPrototypeKeys(valid) },
    { weight: 2, arbitrary: hostileBody },
  )
}

/** Valid create bodies, from the seeded sources' origins. */
function validSource(mock: Mock): fc.Arbitrary<Record<string, unknown>> {
  return fc.record({
    name: fc.constantFrom('Fuzzed Source', 'api'),
    type: fc.constantFrom(...IMAGE_SOURCE_TYPES),
    origin: fc.constantFrom(
      ...liveSources(mock)
        .map((s) => s.origin)
        .filter((o) => o.type !== 'cycle-source'),
    ),
  })
}

const operations: Record<CycleOperationId, (mock: Mock) => fc.Arbitrary<FuzzRequest>> = {
  getImageSources: (mock) =>
    fc.record({
      method: fc.constant('GET'),
      path: listQuery(mock).map((q) => `${SOURCES}${q}`),
      headers: fc.constant(AUTH),
    }),
  createImageSource: (mock) =>
    fc.record({
      method: fc.constant('POST'),
      path: fc.constant(SOURCES),
      headers: bodyHeaders,
      body: body(validSource(mock), sourceFields(mock), ['type', 'origin']),
    }),
  getImageSource: (mock) =>
    fc.record({
      method: fc.constant('GET'),
      path: fc.tuple(sourceId(mock), singleQuery).map(([id, q]) => `${SOURCES}/${id}${q}`),
      headers: fc.constant(AUTH),
    }),
  updateImageSource: (mock) => {
    const { type: _type, acl: _acl, ...fields } = sourceFields(mock)
    return fc.record({
      method: fc.constant('PATCH'),
      path: sourceId(mock).map((id) => `${SOURCES}/${id}`),
      headers: bodyHeaders,
      body: body(
        fc.constantFrom({}, { name: 'Renamed' }, { identifier: null }),
        { ...fields, identifier: fc.oneof(fields.identifier, fc.constant(null)) },
        [],
      ),
    })
  },
  deleteImageSource: (mock) =>
    fc.record({
      method: fc.constant('DELETE'),
      path: sourceId(mock).map((id) => `${SOURCES}/${id}`),
      headers: fc.constant(AUTH),
    }),
  updateImageSourceAccess: (mock) =>
    fc.record({
      method: fc.constant('PATCH'),
      path: sourceId(mock).map((id) => `${SOURCES}/${id}/access`),
      headers: bodyHeaders,
      body: body(
        fc.constantFrom({ acl: null }, { acl: { roles: {} } }),
        { acl, unknown_field: anyJson },
        ['acl'],
      ),
    }),
  getJob: (mock) =>
    fc.record({
      method: fc.constant('GET'),
      path: fc
        .oneof(
          { weight: 3, arbitrary: fc.constantFrom(...mock.db.cycle.jobs.all().map((j) => j.id)) },
          objectIdLike,
          segment,
        )
        .map((id) => `/v1/jobs/${id}`),
      headers: fc.constant(AUTH),
    }),
}

describe('Cycle under malformed input', () => {
  for (const [operation, arbitrary] of Object.entries(operations) as Array<
    [CycleOperationId, (mock: Mock) => fc.Arbitrary<FuzzRequest>]
  >) {
    it(
      `${operation}: never a 5xx or a hang; refusals are Cycle-shaped and change nothing`,
      () => checkOperation(arbitrary, isCycleError, 60, options(operation)),
      60_000,
    )
  }
})
