import { readFileSync } from 'node:fs'
import path from 'node:path'
import createClient from 'openapi-fetch'
import openapiTS, { astToString } from 'openapi-typescript'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { CYCLE_BUILDER_IDENTIFIER } from '../../fixtures/cycle.ts'
import { CONTRACTS_DIR, HAVE_CONTRACTS } from '../support/contracts.ts'
import { type Harness, startHarness, TRANSPORTS } from '../support/harness.ts'
import { expectCycleShape } from './contract.ts'
import type { paths } from './generated/cycle-api.d.ts'
import { HUB, ZERO_TIME } from './helpers.ts'

/**
 * `generated/cycle-api.d.ts` is committed: openapi-typescript's output for the official contract,
 * formatted by biome. Regenerate it with
 * `npx openapi-typescript ../shared/contracts/cycle/openapi.yaml -o test/cycle/generated/cycle-api.d.ts && npx biome check --write test/cycle/generated`.
 */
const GENERATED = path.resolve(import.meta.dirname, 'generated/cycle-api.d.ts')

/**
 * Formatting aside (whitespace, quotes, semicolons, commas, and the leading `|` biome gives a
 * multi-line union), two generated files are equal.
 */
function normalized(source: string): string {
  return source
    .slice(source.indexOf('export interface paths'))
    .replace(/[\s'";,]/g, '')
    .replace(/([:=(<])\|/g, '$1')
}

describe('the generated Cycle client types', () => {
  it.skipIf(!HAVE_CONTRACTS)(
    'match what openapi-typescript makes of the contract today',
    async () => {
      const contract = path.join(CONTRACTS_DIR, 'cycle/openapi.yaml')
      const fresh = astToString(await openapiTS(new URL(`file://${contract}`)))
      expect(normalized(readFileSync(GENERATED, 'utf8'))).toBe(normalized(fresh))
    },
  )
})

describe.each(TRANSPORTS)('Cycle through a typed openapi-fetch client (%s)', (transport) => {
  let h: Harness
  beforeEach(async () => {
    h = await startHarness(transport)
  })
  afterEach(() => h.close())

  const api = () =>
    createClient<paths>({
      baseUrl: h.baseUrl,
      headers: { Authorization: 'Bearer typed-client-token', 'X-Hub-Id': HUB },
    })

  it('creates, reads, updates, sets access, deletes, and follows the job to completion', async () => {
    const cycle = api()
    const created = await cycle.POST('/v1/images/sources', {
      body: {
        name: 'Typed Client Source',
        type: 'direct',
        origin: { type: 'docker-hub', details: { target: 'nginx:1.27-alpine' } },
        about: { description: 'made by openapi-fetch' },
      },
    })
    expect(created.response.status).toBe(201)
    expectCycleShape('createImageSource', created.data)
    const id = created.data?.data.id ?? ''
    expect(created.data?.data.identifier).toBe('typed-client-source')

    const fetched = await cycle.GET('/v1/images/sources/{sourceId}', {
      params: {
        path: { sourceId: id },
        query: { include: ['creators', 'integrations'], meta: ['images_count'] },
      },
    })
    expect(fetched.response.status).toBe(200)
    expectCycleShape('getImageSource', fetched.data)
    expect(fetched.data?.data.meta?.images_count?.total).toBe(0)
    expect(Object.keys(fetched.data?.includes?.creators?.accounts ?? {})).toEqual([
      fetched.data?.data.creator.id,
    ])

    const listed = await cycle.GET('/v1/images/sources', {
      params: {
        query: {
          filter: { identifier: 'typed-client-source', state: 'live' },
          sort: ['-events.created', 'name'],
          page: { number: 1, size: 5 },
        },
      },
    })
    expect(listed.response.status).toBe(200)
    expectCycleShape('getImageSources', listed.data)
    expect(listed.data?.data.map((s) => s.id)).toEqual([id])

    const updated = await cycle.PATCH('/v1/images/sources/{sourceId}', {
      params: { path: { sourceId: id } },
      body: {
        name: 'Typed Client Source v2',
        builder: { integration_id: CYCLE_BUILDER_IDENTIFIER },
      },
    })
    expect(updated.response.status).toBe(200)
    expectCycleShape('updateImageSource', updated.data)
    expect(updated.data?.data.name).toBe('Typed Client Source v2')
    expect(updated.data?.data.identifier, 'a rename keeps the identifier').toBe(
      'typed-client-source',
    )

    const role = '65158700a6078e98982dbd01'
    const access = await cycle.PATCH('/v1/images/sources/{sourceId}/access', {
      params: { path: { sourceId: id } },
      body: { acl: { roles: { [role]: { view: true, modify: true, manage: false } } } },
    })
    expect(access.response.status).toBe(200)
    expectCycleShape('updateImageSourceAccess', access.data)
    expect(access.data?.data.acl?.roles?.[role]).toEqual({
      view: true,
      modify: true,
      manage: false,
    })

    const deleted = await cycle.DELETE('/v1/images/sources/{sourceId}', {
      params: { path: { sourceId: id } },
    })
    expect(deleted.response.status).toBe(202)
    expectCycleShape('deleteImageSource', deleted.data)
    const jobId = deleted.data?.data.job?.id ?? ''

    const states: string[] = []
    for (let i = 0; i < 10 && states.at(-1) !== 'completed'; i++) {
      const job = await cycle.GET('/v1/jobs/{jobId}', { params: { path: { jobId } } })
      expect(job.response.status).toBe(200)
      expectCycleShape('getJob', job.data)
      states.push(job.data?.data.state.current ?? '')
    }
    expect(states.at(-1)).toBe('completed')
    expect(states[0]).toBe('new')

    const gone = await cycle.GET('/v1/images/sources/{sourceId}', {
      params: { path: { sourceId: id } },
    })
    expect(gone.data?.data.state.current).toBe('deleted')
    expect(gone.data?.data.events.deleted).not.toBe(ZERO_TIME)
  })

  it('hands back the Cycle error envelope as a typed error', async () => {
    const missing = await api().GET('/v1/jobs/{jobId}', {
      params: { path: { jobId: '000000000000000000000000' } },
    })
    expect(missing.response.status).toBe(404)
    expect(missing.data).toBeUndefined()
    expectCycleShape('ErrorEnvelope', missing.error)
    expect(missing.error?.error.code).toBe('404.job')
    expect(missing.error, 'the envelope’s data is null').toHaveProperty('data', null)
  })
})
