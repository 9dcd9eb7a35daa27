import { afterEach, describe, expect, it } from 'vitest'
import { CYCLE_API_KEYS, CYCLE_HUBS } from '../../fixtures/cycle.ts'
import type { CycleCapability } from '../../handlers/cycle/auth.ts'
import { type CycleOperationId, cycle } from '../../handlers/cycle/index.ts'
import type { MockOptions } from '../../index.ts'
import { type Harness, startHarness, TRANSPORTS } from '../support/harness.ts'
import { expectCycleShape } from './contract.ts'
import { AUTH, client, expectCycleError, HUB, JSON_AUTH, newSource, SOURCES } from './helpers.ts'

const keyed = (secret: string) => ({ Authorization: `Bearer ${secret}`, 'X-Hub-Id': HUB })
const jsonKeyed = (secret: string) => ({ ...keyed(secret), 'Content-Type': 'application/json' })

describe.each(TRANSPORTS)('Cycle auth, faults and routing (%s)', (transport) => {
  let h: Harness
  afterEach(() => h.close())
  const { get, post, patch, del } = client(() => h)

  async function start(options: MockOptions = {}) {
    h = await startHarness(transport, options)
  }
  const someSourceId = () =>
    h.mock.db.cycle.sources.all().find((s) => s.hub_id === HUB && s.state.current === 'live')?.id

  describe('authentication', () => {
    it('answers 401.auth-invalid without a bearer token', async () => {
      await start()
      const attempts: Array<Record<string, string>> = [
        { 'X-Hub-Id': HUB },
        { 'X-Hub-Id': HUB, Authorization: 'Basic dXNlcjpwYXNz' },
        { 'X-Hub-Id': HUB, Authorization: 'Bearer ' },
      ]
      for (const headers of attempts) {
        await expectCycleError(
          await get(SOURCES, headers),
          401,
          '401.auth-invalid',
          /The Authorization header is missing or is not of the form "Bearer <api key>"/,
        )
      }
    })

    it('answers 403.wrong-hub without X-Hub-Id, for an unknown hub, and for another hub’s key', async () => {
      await start()
      await expectCycleError(
        await get(SOURCES, { Authorization: 'Bearer t' }),
        403,
        '403.wrong-hub',
        /The X-Hub-Id header is required/,
      )
      await expectCycleError(
        await get(SOURCES, { ...AUTH, 'X-Hub-Id': '000000000000000000000000' }),
        403,
        '403.wrong-hub',
        /No hub with ID '000000000000000000000000' is available to you/,
      )
      await expectCycleError(
        await get(SOURCES, keyed(CYCLE_API_KEYS.staging)),
        403,
        '403.wrong-hub',
        /This API key belongs to another hub/,
      )
      const ownHub = await get(SOURCES, {
        ...keyed(CYCLE_API_KEYS.staging),
        'X-Hub-Id': CYCLE_HUBS.staging.id,
      })
      expect(ownHub.status).toBe(200)
    })

    it('answers 403.permissions naming the missing capability in error.extra', async () => {
      await start({ clock: { stepMs: 0 } })
      const id = someSourceId()
      const cases: Array<[Promise<Response>, CycleCapability, CycleOperationId]> = [
        [get(SOURCES, keyed(CYCLE_API_KEYS.imagesOnly)), 'images-sources-view', 'getImageSources'],
        [
          get(`${SOURCES}/${id}`, keyed(CYCLE_API_KEYS.imagesOnly)),
          'images-sources-view',
          'getImageSource',
        ],
        [
          post(SOURCES, newSource(), jsonKeyed(CYCLE_API_KEYS.viewer)),
          'images-sources-manage',
          'createImageSource',
        ],
        [
          patch(`${SOURCES}/${id}`, { name: 'x' }, jsonKeyed(CYCLE_API_KEYS.viewer)),
          'images-sources-manage',
          'updateImageSource',
        ],
        [
          patch(`${SOURCES}/${id}/access`, { acl: null }, jsonKeyed(CYCLE_API_KEYS.viewer)),
          'images-sources-manage',
          'updateImageSourceAccess',
        ],
        [
          del(`${SOURCES}/${id}`, keyed(CYCLE_API_KEYS.viewer)),
          'images-sources-manage',
          'deleteImageSource',
        ],
        [
          get('/v1/jobs/000000000000000000000000', keyed(CYCLE_API_KEYS.manager)),
          'apionly-jobs-view',
          'getJob',
        ],
      ]
      // Every operation is tried, with the capability its definition requires.
      expect(new Map(cases.map(([, capability, operation]) => [operation, capability]))).toEqual(
        new Map(cycle.operations.map((operation) => [operation.id, operation.permission])),
      )
      for (const [pending, capability, operation] of cases) {
        const body = await expectCycleError(
          await pending,
          403,
          '403.permissions',
          new RegExp(`lacks the '${capability}' capability that ${operation} requires`),
        )
        expect(body.error.extra).toEqual({ capability })
      }
      expect(
        h.mock.db.cycle.sources.all().find((s) => s.id === id)?.state.current,
        'refused requests change nothing',
      ).toBe('live')
    })

    it('lets each key do what its capabilities allow, and credits it as creator', async () => {
      await start({ clock: { stepMs: 0 } })
      const id = someSourceId()
      expect((await get(SOURCES, keyed(CYCLE_API_KEYS.viewer))).status).toBe(200)
      expect((await get(`${SOURCES}/${id}`, keyed(CYCLE_API_KEYS.viewer))).status).toBe(200)
      const created = await post(SOURCES, newSource(), jsonKeyed(CYCLE_API_KEYS.manager))
      expect(created.status).toBe(201)
      const manager = h.mock.db.cycle.apiKeys.all().find((k) => k.secret === CYCLE_API_KEYS.manager)
      expect((await created.json()).data.creator).toEqual({ id: manager?.id, type: 'api-key' })
      const deleted = await del(`${SOURCES}/${id}`, keyed(CYCLE_API_KEYS.manager))
      expect(deleted.status).toBe(202)
      const { data } = await deleted.json()
      const job = await get(`/v1/jobs/${data.job.id}`, keyed(CYCLE_API_KEYS.viewer))
      expect(job.status).toBe(200)
      expect((await job.json()).data.creator).toEqual({ id: manager?.id, type: 'api-key' })
    })

    it('accepts requests without credentials when auth is off, in the first hub by default', async () => {
      await start({ auth: false })
      const response = await get(SOURCES, {})
      expect(response.status).toBe(200)
      const body = await response.json()
      expectCycleShape('getImageSources', body)
      expect(body.data.every((s: { hub_id: string }) => s.hub_id === HUB)).toBe(true)
      const staging = await (await get(SOURCES, { 'X-Hub-Id': CYCLE_HUBS.staging.id })).json()
      expect(staging.data[0].hub_id).toBe(CYCLE_HUBS.staging.id)
    })
  })

  describe('faults and forced statuses', () => {
    it.each([
      [429, '429.rate-limiting'],
      [503, '503.not-ready'],
    ])(
      'answers Prefer: code=%i in the Cycle envelope with Retry-After and X-Request-Id',
      async (status, code) => {
        await start()
        const response = await get(SOURCES, { ...AUTH, Prefer: `code=${status}` })
        expect(response.headers.get('retry-after')).toBe('1')
        const body = await expectCycleError(response, status, code, /Retry-After/)
        expect(body.data).toBeNull()
      },
    )

    it('renders a fault rule’s 429 in the Cycle envelope with its Retry-After', async () => {
      await start()
      h.mock.faults.add({
        match: { operation: 'cycle.createImageSource' },
        effect: { status: 429, retryAfter: 3 },
        times: 1,
      })
      const count = h.mock.db.cycle.sources.count()
      const throttled = await post(SOURCES, newSource())
      expect(throttled.headers.get('retry-after')).toBe('3')
      expect(throttled.headers.get('x-mock-fault')).toBeTruthy()
      await expectCycleError(throttled, 429, '429.rate-limiting', /Rate limit reached/)
      expect(h.mock.db.cycle.sources.count()).toBe(count)
      expect((await post(SOURCES, newSource())).status).toBe(201)
      expect(
        h.mock.journal.find({ operation: 'cycle.createImageSource' }).map((e) => e.status),
      ).toEqual([429, 201])
    })

    it('forces each contract error status, and refuses a status the operation never returns', async () => {
      await start()
      for (const [status, code] of [
        [404, '404.uri'],
        [409, '409.duplicate-found'],
        [422, '422.invalid-input'],
        [500, '500.unknown'],
        [504, '504.not-available'],
      ] as const) {
        await expectCycleError(
          await get(SOURCES, { ...AUTH, Prefer: `code=${status}` }),
          status,
          code,
          /./,
        )
      }
      await expectCycleError(
        await get(SOURCES, { ...AUTH, Prefer: 'code=418' }),
        400,
        '400.invalid-syntax',
        /Prefer: code=418 is not a status getImageSources returns/,
      )
    })
  })

  describe('routing and transport limits', () => {
    it('answers 404.uri for an unknown path under the Cycle prefixes', async () => {
      await start()
      await expectCycleError(
        await get(`${SOURCES}/${someSourceId()}/builds`),
        404,
        '404.uri',
        /No Cycle.io endpoint at GET \/v1\/images\/sources\/[0-9a-f]{24}\/builds/,
      )
      await expectCycleError(await get('/v1/jobs'), 404, '404.uri', /GET \/v1\/jobs/)
    })

    it('answers a method a Cycle path does not take with 404.uri: the catalogue has no 405', async () => {
      await start()
      const put = await h.fetch(`${SOURCES}/${someSourceId()}`, {
        method: 'PUT',
        headers: JSON_AUTH,
        body: '{}',
      })
      expect(put.headers.get('allow')).toBeNull()
      await expectCycleError(
        put,
        404,
        '404.uri',
        /Method PUT is not allowed on \/v1\/images\/sources\//,
      )
      const postJob = await post('/v1/jobs/000000000000000000000000', {})
      await expectCycleError(postJob, 404, '404.uri', /Method POST/)
    })

    it('answers 422.max-exceeded for a body over the size limit (no 413 in Cycle’s catalogue), storing nothing', async () => {
      await start({ maxBodyBytes: 256 })
      const count = h.mock.db.cycle.sources.count()
      const body = JSON.stringify(newSource({ about: { description: 'x'.repeat(400) } }))
      // Content-Length is declared so the limit applies before reading: in-process, core/body.ts
      // awaits reader.cancel() on an undeclared oversized body, which never settles under msw/node.
      await expectCycleError(
        await post(SOURCES, body, { ...JSON_AUTH, 'Content-Length': String(body.length) }),
        422,
        '422.max-exceeded',
        /larger than 256 bytes/,
      )
      expect(h.mock.db.cycle.sources.count()).toBe(count)
    })

    it('answers 400.invalid-syntax for a malformed X-Mock-Session', async () => {
      await start()
      await expectCycleError(
        await get(SOURCES, { ...AUTH, 'X-Mock-Session': 'not a session!' }),
        400,
        '400.invalid-syntax',
        /X-Mock-Session must be/,
      )
    })
  })
})
