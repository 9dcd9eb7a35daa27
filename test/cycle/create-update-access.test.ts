import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { CYCLE_API_KEYS, CYCLE_BUILDER_IDENTIFIER } from '../../fixtures/cycle.ts'
import { type Harness, startHarness, TRANSPORTS } from '../support/harness.ts'
import { expectCycleShape } from './contract.ts'
import {
  AUTH,
  client,
  expectCycleError,
  HUB,
  JSON_AUTH,
  newSource,
  OBJECT_ID,
  SOURCES,
  ZERO_TIME,
} from './helpers.ts'

const ROLE_A = '65158700a6078e98982dbd01'
const ROLE_B = '65158700a6078e98982dbd02'

/** One valid origin of each of the contract's seven `ImageOrigin` variants. */
const ORIGINS = [
  { type: 'docker-hub', details: { target: 'redis:7.2', username: 'me', token: 't' } },
  {
    type: 'docker-file',
    details: {
      repo: {
        url: 'git@github.com:acme/api.git',
        branch: 'main',
        auth: {
          type: 'ssh',
          credentials: { username: 'git', passphrase: '', private_key: '-----BEGIN…' },
        },
        ref: { type: 'tag', value: 'v1.2.0' },
      },
      build_file: 'Dockerfile',
      credentials: [{ url: 'ghcr.io', username: 'bot', token: 'x' }],
    },
  },
  { type: 'docker-registry', details: { target: 'acme/api:1.0', url: 'ghcr.io', password: 'p' } },
  {
    type: 'oci-registry',
    details: {
      target: 'api:1.0',
      url: '123456789012.dkr.ecr.us-east-1.amazonaws.com',
      auth: { type: 'webhook', details: { url: 'https://auth.acme.dev/ecr' } },
    },
  },
  { type: 'cycle-upload', details: { expires: '2026-03-03T09:00:00Z', token: 'upload-token' } },
  { type: 'none' },
] as const

describe.each(TRANSPORTS)('Cycle create, update and access (%s)', (transport) => {
  let h: Harness
  beforeEach(async () => {
    h = await startHarness(transport)
  })
  afterEach(() => h.close())
  const { get, post, patch } = client(() => h)

  const mainHub = () => h.mock.db.cycle.hubs.all().find((hub) => hub.id === HUB)
  const liveSource = () =>
    h.mock.db.cycle.sources.all().find((s) => s.hub_id === HUB && s.state.current === 'live')

  async function create(body: unknown = newSource(), headers = JSON_AUTH) {
    const response = await post(SOURCES, body, headers)
    const json = await response.json()
    expect(response.status, JSON.stringify(json)).toBe(201)
    expectCycleShape('createImageSource', json)
    return json.data
  }

  describe('createImageSource', () => {
    it('creates a live source, tokenizing the identifier from the name', async () => {
      const before = h.mock.clock.now()
      const source = await create()
      expect(source.id).toMatch(OBJECT_ID)
      expect(source).toMatchObject({
        name: 'My Web App',
        identifier: 'my-web-app',
        type: 'direct',
        hub_id: HUB,
        origin: { type: 'docker-hub', details: { target: 'nginx:1.27' } },
        about: { description: null },
        builder: null,
        acl: null,
        creator: { type: 'account', id: mainHub()?.owner_account_id },
        state: { current: 'live' },
      })
      expect(Date.parse(source.events.created)).toBeGreaterThan(before)
      expect(source.events.updated).toBe(source.events.created)
      expect(source.events.deleted).toBe(ZERO_TIME)
      const fetched = await (await get(`${SOURCES}/${source.id}`)).json()
      expect(fetched.data).toEqual(source)
    })

    it('keeps a given identifier, ACL, builder and about, and credits an API key creator', async () => {
      const admin = h.mock.db.cycle.apiKeys.all().find((k) => k.secret === CYCLE_API_KEYS.admin)
      const source = await create(
        newSource({
          identifier: 'web',
          acl: { roles: { [ROLE_A]: { view: true, modify: false, manage: false } } },
          builder: { integration_id: CYCLE_BUILDER_IDENTIFIER },
          about: { description: 'The public web app' },
        }),
        { ...JSON_AUTH, Authorization: `Bearer ${CYCLE_API_KEYS.admin}` },
      )
      expect(source).toMatchObject({
        identifier: 'web',
        acl: { roles: { [ROLE_A]: { view: true, modify: false, manage: false } } },
        builder: { integration_id: CYCLE_BUILDER_IDENTIFIER },
        about: { description: 'The public web app' },
        creator: { type: 'api-key', id: admin?.id },
      })
    })

    it.each(ORIGINS)('accepts a $type origin and stores it as sent', async (origin) => {
      const source = await create(newSource({ name: undefined, origin }))
      expect(source.origin).toEqual(origin)
      expect(source.name.length, 'a name is derived when none is given').toBeGreaterThan(0)
    })

    it('accepts a cycle-source origin that names a source of the hub, and 404s for another', async () => {
      const existing = liveSource()
      const source = await create(
        newSource({ origin: { type: 'cycle-source', details: { source_id: existing?.id } } }),
      )
      expect(source.origin.details.source_id).toBe(existing?.id)
      await expectCycleError(
        await post(
          SOURCES,
          newSource({
            origin: { type: 'cycle-source', details: { source_id: '000000000000000000000000' } },
          }),
        ),
        404,
        '404.image.source',
        /refers to image source '000000000000000000000000'/,
        '/origin/details/source_id',
      )
    })

    it.each([
      [
        'type is missing',
        { type: undefined },
        '422.missing-argument',
        /'type' is required/,
        '/type',
      ],
      [
        'origin is missing',
        { origin: undefined },
        '422.missing-argument',
        /'origin' is required/,
        '/origin',
      ],
      [
        'type is not a source type',
        { type: 'registry' },
        '422.invalid-argument',
        /'type' must be one of stack-build, direct, bucket; got "registry"/,
        '/type',
      ],
      [
        'origin.type is unknown',
        { origin: { type: 'ftp', details: {} } },
        '422.invalid-argument',
        /'origin.type' must be one of docker-hub, docker-file, docker-registry, oci-registry, cycle-upload, cycle-source, none; got "ftp"/,
        '/origin/type',
      ],
      [
        'origin.type is missing',
        { origin: { details: { target: 'x' } } },
        '422.missing-argument',
        /'origin.type' is required/,
        '/origin/type',
      ],
      [
        'the origin lacks what its type requires',
        { origin: { type: 'docker-registry', details: { target: 'api:1' } } },
        '422.missing-argument',
        /'origin.details.url' is required/,
        '/origin/details/url',
      ],
      [
        'an origin field has the wrong type',
        { origin: { type: 'docker-hub', details: { target: 42 } } },
        '422.invalid-argument',
        /'origin.details.target' is invalid: expected string, received number/,
        '/origin/details/target',
      ],
      [
        'the origin has a field its type does not',
        { origin: { type: 'none', details: {} } },
        '422.invalid-argument',
        /Unknown field 'origin.details'/,
        '/origin/details',
      ],
      [
        'the name is not a string',
        { name: 7 },
        '422.invalid-argument',
        /'name' is invalid: expected string, received number/,
        '/name',
      ],
      [
        'the body has an unknown field',
        { image: 'nginx' },
        '422.invalid-argument',
        /Unknown field 'image'/,
        '/image',
      ],
      [
        'an ACL role is not a role ID',
        { acl: { roles: { admins: { view: true, modify: true, manage: true } } } },
        '422.invalid-argument',
        /The key 'admins' of 'acl.roles' is invalid: must be a 24-character hex ID/,
        '/acl/roles/admins',
      ],
      [
        'an ACL entry lacks a permission',
        { acl: { roles: { [ROLE_A]: { view: true, modify: true } } } },
        '422.missing-argument',
        new RegExp(`'acl.roles.${ROLE_A}.manage' is required`),
        `/acl/roles/${ROLE_A}/manage`,
      ],
    ])('answers 422 when %s', async (_case, overrides, code, detail, pointer) => {
      const count = h.mock.db.cycle.sources.count()
      await expectCycleError(await post(SOURCES, newSource(overrides)), 422, code, detail, pointer)
      expect(h.mock.db.cycle.sources.count(), 'nothing is stored').toBe(count)
    })

    it('answers 404.hub.integration for a builder integration the hub does not have', async () => {
      await expectCycleError(
        await post(SOURCES, newSource({ builder: { integration_id: 'aws-codebuild' } })),
        404,
        '404.hub.integration',
        /No integration with ID or identifier 'aws-codebuild' exists in this hub/,
        '/builder',
      )
    })

    it('answers 400.invalid-syntax for malformed JSON, 422.invalid-input for a non-object, 415 for another media type', async () => {
      await expectCycleError(
        await post(SOURCES, '{"type": "direct",'),
        400,
        '400.invalid-syntax',
        /Request body is not valid JSON/,
      )
      await expectCycleError(
        await post(SOURCES, ''),
        400,
        '400.invalid-syntax',
        /Request body is empty/,
      )
      await expectCycleError(
        await post(SOURCES, [newSource()]),
        422,
        '422.invalid-input',
        /The request body must be a JSON object/,
      )
      await expectCycleError(
        await post(SOURCES, 'type=direct', { ...AUTH, 'Content-Type': 'text/plain' }),
        415,
        '415.invalid-content-type',
        /Content-Type 'text\/plain' is not supported; send application\/json/,
      )
    })
  })

  describe('updateImageSource', () => {
    it('changes only the given fields and moves events.updated', async () => {
      const before = liveSource()
      const response = await patch(`${SOURCES}/${before?.id}`, { name: 'Renamed Source' })
      const body = await response.json()
      expect(response.status, JSON.stringify(body)).toBe(200)
      expectCycleShape('updateImageSource', body)
      expect(body.data).toEqual({
        ...before,
        name: 'Renamed Source',
        events: { ...before?.events, updated: body.data.events.updated },
      })
      expect(Date.parse(body.data.events.updated)).toBeGreaterThan(
        Date.parse(before?.events.updated ?? ''),
      )
      const stored = h.mock.db.cycle.sources.all().find((s) => s.id === before?.id)
      expect(stored?.name, 'the change is stored').toBe('Renamed Source')
    })

    it('re-tokenizes the identifier when it is set to null, and replaces origin, builder and about', async () => {
      const source = await create()
      const response = await patch(`${SOURCES}/${source.id}`, {
        name: 'Edge Proxy',
        identifier: null,
        origin: { type: 'docker-hub', details: { target: 'traefik:v3.1' } },
        builder: { integration_id: CYCLE_BUILDER_IDENTIFIER },
        about: { description: 'Ingress' },
      })
      const body = await response.json()
      expect(response.status, JSON.stringify(body)).toBe(200)
      expect(body.data).toMatchObject({
        name: 'Edge Proxy',
        identifier: 'edge-proxy',
        origin: { type: 'docker-hub', details: { target: 'traefik:v3.1' } },
        builder: { integration_id: CYCLE_BUILDER_IDENTIFIER },
        about: { description: 'Ingress' },
        type: 'direct',
      })
      const cleared = await (await patch(`${SOURCES}/${source.id}`, { builder: null })).json()
      expect(cleared.data.builder).toBeNull()
    })

    it('refuses fields it cannot change, invalid origins and unknown sources', async () => {
      const id = liveSource()?.id
      await expectCycleError(
        await patch(`${SOURCES}/${id}`, { type: 'bucket' }),
        422,
        '422.invalid-argument',
        /Unknown field 'type'/,
        '/type',
      )
      await expectCycleError(
        await patch(`${SOURCES}/${id}`, { origin: { type: 'docker-hub', details: {} } }),
        422,
        '422.missing-argument',
        /'origin.details.target' is required/,
      )
      await expectCycleError(
        await patch(`${SOURCES}/${id}`, { builder: { integration_id: 'nope' } }),
        404,
        '404.hub.integration',
        /'nope'/,
        '/builder/integration_id',
      )
      await expectCycleError(
        await patch(`${SOURCES}/000000000000000000000000`, { name: 'x' }),
        404,
        '404.image.source',
        /No image source with ID '000000000000000000000000'/,
      )
    })

    it('answers 403.invalid-state for a deleted source', async () => {
      const deleted = h.mock.db.cycle.sources.all().find((s) => s.state.current === 'deleted')
      await expectCycleError(
        await patch(`${SOURCES}/${deleted?.id}`, { name: 'back' }),
        403,
        '403.invalid-state',
        /is deleted and cannot be updated/,
      )
    })
  })

  describe('updateImageSourceAccess', () => {
    const access = (id: string, body: unknown) => patch(`${SOURCES}/${id}/access`, body)

    it('replaces the ACL rather than merging it, and null removes it', async () => {
      const source = await create(
        newSource({ acl: { roles: { [ROLE_A]: { view: true, modify: true, manage: true } } } }),
      )
      const response = await access(source.id, {
        acl: { roles: { [ROLE_B]: { view: true, modify: false, manage: false } } },
      })
      const body = await response.json()
      expect(response.status, JSON.stringify(body)).toBe(200)
      expectCycleShape('updateImageSourceAccess', body)
      expect(body.data.acl).toEqual({
        roles: { [ROLE_B]: { view: true, modify: false, manage: false } },
      })
      expect(Date.parse(body.data.events.updated)).toBeGreaterThan(
        Date.parse(source.events.updated),
      )
      expect({ ...body.data, acl: null, events: null }).toEqual({
        ...source,
        acl: null,
        events: null,
      })
      const removed = await (await access(source.id, { acl: null })).json()
      expect(removed.data.acl).toBeNull()
    })

    it('answers 422 for a missing or malformed ACL and 404 for an unknown source', async () => {
      const id = liveSource()?.id ?? ''
      await expectCycleError(
        await access(id, {}),
        422,
        '422.missing-argument',
        /'acl' is required/,
        '/acl',
      )
      await expectCycleError(
        await access(id, {
          acl: { roles: { [ROLE_A]: { view: 'yes', modify: true, manage: true } } },
        }),
        422,
        '422.invalid-argument',
        /expected boolean, received string/,
        `/acl/roles/${ROLE_A}/view`,
      )
      await expectCycleError(
        await access(id, { acl: { users: {} } }),
        422,
        '422.invalid-argument',
        /Unknown field 'acl.users'/,
      )
      await expectCycleError(
        await access('000000000000000000000000', { acl: null }),
        404,
        '404.image.source',
        /No image source/,
      )
    })
  })
})
