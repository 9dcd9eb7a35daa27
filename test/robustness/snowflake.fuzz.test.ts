import fc from 'fast-check'
import { describe, it } from 'vitest'
import type { imageRepositoryOperations } from '../../handlers/snowflake/image-repositories.ts'
import {
  checkOperation,
  type FuzzRequest,
  hostileBody,
  hostileNumber,
  hostileString,
} from './fuzz-support.ts'

const AUTH = { Authorization: 'Bearer fuzz', 'Content-Type': 'application/json' }
const BASE = '/api/v2/databases'
const enc = encodeURIComponent

const isSnowflakeError = (body: unknown) => {
  const b = body as Record<string, unknown>
  return ['message', 'code', 'error_code', 'request_id'].every((k) => typeof b?.[k] === 'string')
}

/** A database / schema pair: mostly real ones, sometimes hostile. */
const schemaPath = fc.oneof(
  { weight: 3, arbitrary: fc.constant(`${BASE}/ml_platform/schemas/images`) },
  {
    weight: 1,
    arbitrary: fc
      .tuple(hostileString, hostileString)
      .map(([d, s]) => `${BASE}/${enc(d)}/schemas/${enc(s)}`),
  },
)
const repoName = fc.oneof(fc.constantFrom('ml_repo', '"Quoted Name"', 'x'), hostileString)
const query = fc
  .array(
    fc.tuple(
      fc.constantFrom('like', 'createMode', 'ifExists', 'withLineage', 'page', 'unknown', 'like'),
      fc.oneof(hostileString, hostileNumber),
    ),
    { maxLength: 4 },
  )
  .map((pairs) => (pairs.length ? `?${pairs.map(([k, v]) => `${k}=${enc(v)}`).join('&')}` : ''))

/** One arbitrary per image-repository operation: a new operation without one does not compile. */
type ImageRepositoryOperationId = (typeof imageRepositoryOperations)[number]['id']
const operations: Record<ImageRepositoryOperationId, fc.Arbitrary<FuzzRequest>> = {
  listImageRepositories: fc.record({
    method: fc.constant('GET'),
    path: fc.tuple(schemaPath, query).map(([p, q]) => `${p}/image-repositories${q}`),
    headers: fc.constant(AUTH),
  }),
  createImageRepository: fc.record({
    method: fc.constant('POST'),
    path: fc.tuple(schemaPath, query).map(([p, q]) => `${p}/image-repositories${q}`),
    headers: fc.constant(AUTH),
    body: fc.oneof(
      hostileBody,
      hostileString.map((name) => JSON.stringify({ name })),
      fc.anything().map((name) => JSON.stringify({ name }) ?? ''),
    ),
  }),
  fetchImageRepository: fc.record({
    method: fc.constant('GET'),
    path: fc.tuple(schemaPath, repoName).map(([p, n]) => `${p}/image-repositories/${enc(n)}`),
    headers: fc.constant(AUTH),
  }),
  deleteImageRepository: fc.record({
    method: fc.constant('DELETE'),
    path: fc
      .tuple(schemaPath, repoName, query)
      .map(([p, n, q]) => `${p}/image-repositories/${enc(n)}${q}`),
    headers: fc.constant(AUTH),
  }),
  listImagesInRepository: fc.record({
    method: fc.constant('GET'),
    path: fc
      .tuple(schemaPath, repoName)
      .map(([p, n]) => `${p}/image-repositories/${enc(n)}/images`),
    headers: fc.constant(AUTH),
  }),
  setTags: fc.record({
    method: fc.constant('POST'),
    path: fc
      .tuple(schemaPath, repoName, query)
      .map(([p, n, q]) => `${p}/image-repositories/${enc(n)}:set-tags${q}`),
    headers: fc.constant(AUTH),
    body: hostileBody,
  }),
  unsetTags: fc.record({
    method: fc.constant('POST'),
    path: fc
      .tuple(schemaPath, repoName, query)
      .map(([p, n, q]) => `${p}/image-repositories/${enc(n)}:unset-tags${q}`),
    headers: fc.constant(AUTH),
    body: hostileBody,
  }),
  getTags: fc.record({
    method: fc.constant('GET'),
    path: fc
      .tuple(schemaPath, repoName, query)
      .map(([p, n, q]) => `${p}/image-repositories/${enc(n)}:get-tags${q}`),
    headers: fc.constant(AUTH),
  }),
  fetchResult: fc.record({
    method: fc.constant('GET'),
    path: fc.tuple(hostileString, query).map(([h, q]) => `/api/v2/results/${enc(h)}${q}`),
    headers: fc.constant(AUTH),
  }),
}

describe('Snowflake under malformed input', () => {
  for (const [operation, arbitrary] of Object.entries(operations)) {
    it(
      `${operation}: never a 5xx or a hang; refusals are Snowflake-shaped and change nothing`,
      () => checkOperation(arbitrary, isSnowflakeError),
      60_000,
    )
  }
})
