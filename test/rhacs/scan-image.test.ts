import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { RHACS_ANALYST_TOKEN, RHACS_CLUSTERS } from '../../fixtures/rhacs.ts'
import type { ImageRecord } from '../../handlers/rhacs/records.ts'
import { type Harness, startHarness, TRANSPORTS } from '../support/harness.ts'
import { expectRhacsError, expectRhacsShape } from './contract.ts'
import { bearer, call, send, storeOf } from './helpers.ts'

type Json = Record<string, unknown>

describe.each(TRANSPORTS)('ImageService_ScanImage (%s)', (transport) => {
  let h: Harness
  beforeEach(async () => {
    h = await startHarness(transport)
  })
  afterEach(() => h.close())

  async function scan(body: unknown): Promise<Json> {
    const response = await send(h, 'POST', '/v1/images/scan', body)
    const json = await response.json()
    expect(response.status, JSON.stringify(json).slice(0, 300)).toBe(200)
    expectRhacsShape('storageImage', json)
    return json
  }

  const stored = (id: unknown) =>
    storeOf(h)
      .images.all()
      .find((i) => i.id === id)

  it('scans an image it has never seen, normalizes its name and stores it', async () => {
    const before = storeOf(h).images.count()
    const image = await scan({ imageName: 'busybox:1.36' })
    expect(image.name).toEqual({
      registry: 'docker.io',
      remote: 'library/busybox',
      tag: '1.36',
      fullName: 'docker.io/library/busybox:1.36',
    })
    expect(image.id).toMatch(/^sha256:[0-9a-f]{64}$/)
    expect((image.scan as Json).scanTime).toBe(image.lastUpdated)
    expect(storeOf(h).images.count()).toBe(before + 1)
    const fetched = await (await call(h, `/v1/images/${image.id}`)).json()
    expect(fetched.id).toBe(image.id)
  })

  it('defaults the tag to latest and keeps a digest it is given', async () => {
    const digest = `sha256:${'ab'.repeat(32)}`
    const tagged = await scan({ imageName: 'quay.io/acme/tool' })
    expect((tagged.name as Json).fullName).toBe('quay.io/acme/tool:latest')
    const pinned = await scan({ imageName: `ghcr.io/acme/cli:2.0@${digest}` })
    expect(pinned.id).toBe(digest)
    expect((pinned.name as Json).fullName).toBe('ghcr.io/acme/cli:2.0')
  })

  it('returns the cached scan of a known image without force, refreshing lastUpdated', async () => {
    const known = storeOf(h)
      .images.all()
      .find((i) => i.scan !== null) as ImageRecord
    const before = storeOf(h).images.count()
    h.mock.clock.advance(3_600_000)
    const image = await scan({ imageName: known.name?.fullName })
    expect(image.id).toBe(known.id)
    expect((image.scan as Json).scanTime).toBe(known.scan?.scanTime)
    expect(image.lastUpdated).not.toBe(known.lastUpdated)
    expect(storeOf(h).images.count(), 'no duplicate image').toBe(before)
  })

  it('rescans a known image with force: a new scan time and hash', async () => {
    const known = storeOf(h)
      .images.all()
      .find((i) => i.scan !== null) as ImageRecord
    const before = storeOf(h).images.count()
    const image = await scan({ imageName: known.name?.fullName, force: true })
    expect(image.id).toBe(known.id)
    const rescanned = image.scan as Json
    expect(rescanned.scanTime).not.toBe(known.scan?.scanTime)
    expect(rescanned.scanTime).toBe(image.lastUpdated)
    expect(rescanned.hash).not.toBe(known.scan?.hash)
    expect(stored(known.id)?.scan?.scanTime).toBe(rescanned.scanTime)
    expect(storeOf(h).images.count(), 'no duplicate image').toBe(before)
  })

  it('scans an image that had no scan even without force', async () => {
    const unscanned = storeOf(h)
      .images.all()
      .find((i) => i.scan === null) as ImageRecord
    const image = await scan({ imageName: unscanned.name?.fullName })
    expect(image.id).toBe(unscanned.id)
    expect(image.scan).not.toBeNull()
    expect(image.notes).not.toContain('MISSING_SCAN_DATA')
  })

  it('hides snoozed CVEs unless includeSnoozed, as GetImage does', async () => {
    const snoozy = storeOf(h)
      .images.all()
      .find((i) =>
        i.scan?.components.some((c) => c.vulns.some((v) => v.state === 'DEFERRED')),
      ) as ImageRecord
    const states = (image: Json) =>
      (image.scan as { components: Array<{ vulns: Array<{ state: string }> }> }).components
        .flatMap((c) => c.vulns)
        .map((v) => v.state)
    expect(states(await scan({ imageName: snoozy.name?.fullName }))).not.toContain('DEFERRED')
    expect(
      states(await scan({ image_name: snoozy.name?.fullName, include_snoozed: true })),
      'proto field names work too',
    ).toContain('DEFERRED')
  })

  it('delegates to a cluster named by name or id', async () => {
    const [production] = RHACS_CLUSTERS
    await scan({ imageName: 'nginx:1.25.3', cluster: production.name })
    await scan({ imageName: 'nginx:1.25.3', cluster: production.id })
  })

  it('answers 404 for an unknown cluster', async () => {
    await expectRhacsError(
      await send(h, 'POST', '/v1/images/scan', {
        imageName: 'nginx:1.25.3',
        cluster: 'Production',
      }),
      404,
      5,
      'cluster "Production" not found, ensure cluster exists and have access',
    )
  })

  it('answers 400 without an image name', async () => {
    await expectRhacsError(
      await send(h, 'POST', '/v1/images/scan', {}),
      400,
      3,
      'image name must be specified: invalid arguments',
    )
    await expectRhacsError(
      await call(h, '/v1/images/scan', { method: 'POST' }),
      400,
      3,
      'image name must be specified: invalid arguments',
    )
  })

  it.each([
    ['Nginx:latest', 'invalid reference format: repository name (library/Nginx) must be lowercase'],
    ['nginx:', 'invalid reference format'],
    [`docker.io/library/nginx@sha256:${'1'.repeat(40)}`, 'invalid checksum digest length'],
    ['docker.io/library/nginx@sha256:1234', 'invalid reference format'],
    ['a'.repeat(256), 'repository name must not be more than 255 characters'],
  ])('answers 400 for the invalid name %s', async (name, reason) => {
    await expectRhacsError(
      await send(h, 'POST', '/v1/images/scan', { imageName: name }),
      400,
      3,
      `error parsing image name '${name}': ${reason}: invalid arguments`,
    )
  })

  it('answers 400 for a reference that is only a digest', async () => {
    await expectRhacsError(
      await send(h, 'POST', '/v1/images/scan', { imageName: `sha256:${'0'.repeat(64)}` }),
      400,
      3,
      /a registry and repository are needed to scan an image, not only a digest/,
    )
  })

  it('answers 400 for a field of the wrong type', async () => {
    await expectRhacsError(
      await send(h, 'POST', '/v1/images/scan', { imageName: 'nginx', force: 'yes' }),
      400,
      3,
      'proto: invalid value for bool field force: "yes"',
    )
  })

  it('answers 400 for a body that is not JSON, or not an object', async () => {
    await expectRhacsError(
      await send(h, 'POST', '/v1/images/scan', '{"imageName": '),
      400,
      3,
      /^proto: syntax error/,
    )
    await expectRhacsError(
      await send(h, 'POST', '/v1/images/scan', '["nginx"]'),
      400,
      3,
      /^proto: syntax error \(line 1:1\): unexpected token \[/,
    )
  })

  it('ignores fields it does not know, as the gateway discards them', async () => {
    expect((await scan({ imageName: 'nginx:1.25.3', priority: 'urgent' })).name).toMatchObject({
      fullName: 'docker.io/library/nginx:1.25.3',
    })
  })

  it('answers 403 for a view-only token', async () => {
    await expectRhacsError(
      await h.fetch('/v1/images/scan', {
        method: 'POST',
        headers: bearer(RHACS_ANALYST_TOKEN),
        body: JSON.stringify({ imageName: 'nginx' }),
      }),
      403,
      7,
      'not authorized: "READ_WRITE_ACCESS" for "Image"',
    )
  })
})

describe.each(TRANSPORTS)('ImageService_InvalidateScanAndRegistryCaches (%s)', (transport) => {
  let h: Harness
  beforeEach(async () => {
    h = await startHarness(transport)
  })
  afterEach(() => h.close())

  it('answers an empty object', async () => {
    const response = await call(h, '/v1/images/cache/invalidate')
    const body = await response.json()
    expect(response.status).toBe(200)
    expect(body).toEqual({})
    expectRhacsShape('v1Empty', body)
  })

  it('answers 403 for a view-only token', async () => {
    await expectRhacsError(
      await h.fetch('/v1/images/cache/invalidate', { headers: bearer(RHACS_ANALYST_TOKEN) }),
      403,
      7,
      'not authorized: "READ_WRITE_ACCESS" for "Image"',
    )
  })

  it('answers POST as grpc-gateway answers a method the path does not serve: 501, code 12', async () => {
    const response = await call(h, '/v1/images/cache/invalidate', { method: 'POST' })
    expect(response.headers.get('allow')).toBeNull()
    await expectRhacsError(response, 501, 12, 'Method Not Allowed')
  })
})
