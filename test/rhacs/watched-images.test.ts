import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import {
  RHACS_ANALYST_TOKEN,
  RHACS_REPORTER_TOKEN,
  RHACS_WATCHED_IMAGES,
} from '../../fixtures/rhacs.ts'
import { type Harness, startHarness, TRANSPORTS } from '../support/harness.ts'
import { expectRhacsError, expectRhacsShape } from './contract.ts'
import { bearer, call, send, storeOf } from './helpers.ts'

describe.each(TRANSPORTS)('Watched images (%s)', (transport) => {
  let h: Harness
  beforeEach(async () => {
    h = await startHarness(transport)
  })
  afterEach(() => h.close())

  async function watched(): Promise<string[]> {
    const response = await call(h, '/v1/watchedimages')
    const body = await response.json()
    expect(response.status).toBe(200)
    expectRhacsShape('v1GetWatchedImagesResponse', body)
    return body.watchedImages.map((w: { name: string }) => w.name)
  }

  async function watch(name: unknown) {
    const response = await send(h, 'POST', '/v1/watchedimages', { name })
    const body = await response.json()
    expect(response.status, 'WatchImage reports problems in the body with a 200').toBe(200)
    expectRhacsShape('v1WatchImageResponse', body)
    return body
  }

  it('lists the watched names, alphabetically', async () => {
    expect(await watched()).toEqual([...RHACS_WATCHED_IMAGES].sort())
  })

  it('watches an image under its normalized name and scans it', async () => {
    const outcome = await watch('redis:7.2.4-alpine')
    expect(outcome).toEqual({
      normalizedName: 'docker.io/library/redis:7.2.4-alpine',
      errorType: 'NO_ERROR',
      errorMessage: '',
    })
    expect(await watched()).toContain('docker.io/library/redis:7.2.4-alpine')
    const scanned = storeOf(h)
      .images.all()
      .find((i) => i.name?.fullName === 'docker.io/library/redis:7.2.4-alpine')
    expect(scanned?.scan, 'the watched image is scanned and stored').not.toBeNull()
  })

  it('watching the same name twice keeps one entry', async () => {
    await watch('quay.io/acme/agent:1.0')
    await watch('quay.io/acme/agent:1.0')
    expect((await watched()).filter((n) => n === 'quay.io/acme/agent:1.0')).toHaveLength(1)
  })

  it.each([
    ['', 'no image name specified'],
    [
      'nginx',
      'name nginx has no tag; a watched image name must be fully qualified, including a tag',
    ],
    [
      `nginx:1.25@sha256:${'f'.repeat(64)}`,
      `name nginx:1.25@sha256:${'f'.repeat(64)} contains a digest, but watch does not handle images with digests`,
    ],
    [
      'Nginx:1.25',
      "failed to parse name: error parsing image name 'Nginx:1.25': invalid reference format: repository name (library/Nginx) must be lowercase",
    ],
  ])('reports INVALID_IMAGE_NAME for %j', async (name, message) => {
    const before = await watched()
    expect(await watch(name)).toEqual({
      normalizedName: '',
      errorType: 'INVALID_IMAGE_NAME',
      errorMessage: message,
    })
    expect(await watched()).toEqual(before)
  })

  it('unwatches a name, and succeeds again when it is no longer watched', async () => {
    const [first] = RHACS_WATCHED_IMAGES
    for (let i = 0; i < 2; i++) {
      const response = await call(h, `/v1/watchedimages?name=${encodeURIComponent(first)}`, {
        method: 'DELETE',
      })
      expect(response.status).toBe(200)
      const body = await response.json()
      expect(body).toEqual({})
      expectRhacsShape('v1Empty', body)
    }
    expect(await watched()).not.toContain(first)
  })

  it('unwatches only the exact name, as Central stores it', async () => {
    await call(h, '/v1/watchedimages?name=node:20.11.0-bookworm-slim', { method: 'DELETE' })
    expect(await watched()).toEqual([...RHACS_WATCHED_IMAGES].sort())
  })

  it('answers 400 when the name of a watch is not a string', async () => {
    await expectRhacsError(
      await send(h, 'POST', '/v1/watchedimages', { name: ['nginx:1'] }),
      400,
      3,
      'proto: invalid value for string field name: [',
    )
  })

  it('answers 403 to a token without access to watched images', async () => {
    await expectRhacsError(
      await h.fetch('/v1/watchedimages', { headers: bearer(RHACS_REPORTER_TOKEN) }),
      403,
      7,
      'not authorized: "READ_ACCESS" for "WatchedImage"',
    )
  })

  it('answers 403 to a view-only token on watch and unwatch, and changes nothing', async () => {
    await expectRhacsError(
      await h.fetch('/v1/watchedimages', {
        method: 'POST',
        headers: bearer(RHACS_ANALYST_TOKEN),
        body: JSON.stringify({ name: 'nginx:1.25' }),
      }),
      403,
      7,
      'not authorized: "READ_WRITE_ACCESS" for "WatchedImage"',
    )
    await expectRhacsError(
      await h.fetch(`/v1/watchedimages?name=${encodeURIComponent(RHACS_WATCHED_IMAGES[0])}`, {
        method: 'DELETE',
        headers: bearer(RHACS_ANALYST_TOKEN),
      }),
      403,
      7,
      'not authorized: "READ_WRITE_ACCESS" for "WatchedImage"',
    )
    expect(await watched()).toEqual([...RHACS_WATCHED_IMAGES].sort())
  })
})
