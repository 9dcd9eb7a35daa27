import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, expect, it } from 'vitest'
import { proxyAdapters, vendors } from '../../handlers/index.ts'
import { Recorder } from '../../server/recorder.ts'
import { CYCLE_HUB } from './scripts.ts'
import { type Listening, type Served, serveMock } from './support.ts'

const open: Listening[] = []
let dir: string | undefined
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()))
  if (dir) await rm(dir, { recursive: true, force: true })
})

async function keep(server: Promise<Served>): Promise<Served> {
  const started = await server
  open.push(started)
  return started
}

const SECRETS = {
  snowflake: 'record-snowflake-bearer-0001',
  rhacs: 'record-rhacs-api-token-0002',
  swr: 'record-swr-iam-token-0003',
  cycle: 'record-cycle-api-key-0004',
  registryPassword: 'registry-password-0005',
  registryToken: 'registry-token-0006',
}
const REPOS = '/api/v2/databases/ml_platform/schemas/images/image-repositories'
const headers = {
  snowflake: { Authorization: `Bearer ${SECRETS.snowflake}` },
  rhacs: { Authorization: `Bearer ${SECRETS.rhacs}` },
  swr: { 'X-Auth-Token': SECRETS.swr, 'Content-Type': 'application/json' },
  cycle: { Authorization: `Bearer ${SECRETS.cycle}`, 'X-Hub-Id': CYCLE_HUB },
}
const post = (vendor: keyof typeof headers, body: unknown): RequestInit => ({
  method: 'POST',
  headers: { ...headers[vendor], 'Content-Type': 'application/json' },
  body: JSON.stringify(body),
})

/**
 * An answer as the recording serves it: every value under a credential key (Cycle origins'
 * `token` and `password`, registry auth tokens, the fixtures' included) as the placeholder.
 */
function withPlaceholders(text: string): string {
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch {
    return text // the export: one object per line, no credentials in it
  }
  const walk = (value: unknown, key?: string): unknown => {
    if (typeof value === 'string')
      return key === 'token' || key === 'password' ? '<redacted>' : value
    if (Array.isArray(value)) return value.map((v) => walk(v))
    if (value && typeof value === 'object') {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, walk(v, k)]))
    }
    return value
  }
  return JSON.stringify(walk(parsed))
}

/** The reads the recording must answer as the upstream did: [vendor, path]. */
function reads(ids: { image: string; repository: string; source: string }) {
  return [
    ['snowflake', REPOS],
    ['snowflake', `${REPOS}/RECORDED`],
    ['snowflake', `${REPOS}/${ids.repository}/images`],
    ['snowflake', `${REPOS}/${ids.repository}:get-tags`],
    ['rhacs', '/v1/export/images'],
    ['rhacs', '/v1/images?pagination.limit=50'],
    ['rhacs', `/v1/images/${ids.image}`],
    ['rhacs', `/v1/images/${ids.image}?includeSnoozed=true`],
    ['rhacs', '/v1/watchedimages'],
    ['swr', '/v2/manage/shared-repositories?center=self'],
    ['swr', '/v2/manage/shared-repositories?center=thirdparty'],
    ['cycle', '/v1/images/sources?include=creators,integrations&meta=images_count'],
    ['cycle', `/v1/images/sources/${ids.source}?meta=images_count`],
  ] as const
}

it('records creates, lists and fetches into a state file that answers the same reads, without credentials', async () => {
  dir = await mkdtemp(join(tmpdir(), 'irm-record-'))
  const file = join(dir, 'recorded.json')
  const upstream = await keep(serveMock({ seed: 11 }))
  const recorder = new Recorder(file, vendors, proxyAdapters)
  const upstreams = Object.fromEntries(vendors.map((v) => [v.name, upstream.url]))
  const proxy = await keep(serveMock({ proxy: { upstreams, recorder } }))

  // Creates and deletes first; then the reads, recorded as the upstream answers them.
  expect((await proxy.fetch(REPOS, post('snowflake', { name: 'recorded' }))).status).toBe(200)
  expect((await proxy.fetch(REPOS, post('snowflake', { name: 'doomed' }))).status).toBe(200)
  const listed = (await (
    await proxy.fetch(REPOS, { headers: headers.snowflake })
  ).json()) as Array<{
    name: string
  }>
  expect(
    (await proxy.fetch(`${REPOS}/DOOMED`, { method: 'DELETE', headers: headers.snowflake })).status,
  ).toBe(200)
  expect(
    (await proxy.fetch('/v1/images/scan', post('rhacs', { imageName: 'busybox:1.36' }))).status,
  ).toBe(200)
  expect(
    (await proxy.fetch('/v1/watchedimages', post('rhacs', { name: 'nginx:1.25' }))).status,
  ).toBe(200)
  const created = await proxy.fetch(
    '/v1/images/sources',
    post('cycle', {
      name: 'private',
      type: 'direct',
      origin: {
        type: 'docker-registry',
        details: {
          target: 'acme/app:1',
          url: 'https://registry.acme.test',
          username: 'robot',
          password: SECRETS.registryPassword,
          token: SECRETS.registryToken,
        },
      },
    }),
  )
  expect(created.status).toBe(201)
  const source = (await created.json()).data.id as string
  const images = (
    await (await proxy.fetch('/v1/images?pagination.limit=1', { headers: headers.rhacs })).json()
  ).images as Array<{ id: string }>
  const ids = { image: images[0]?.id ?? '', repository: listed[0]?.name ?? '', source }

  const answered = new Map<string, string>()
  for (const [vendor, path] of reads(ids)) {
    const response = await proxy.fetch(path, { headers: headers[vendor] })
    expect(response.status, path).toBe(200)
    expect(response.headers.get('x-mock-violations'), path).toBeNull()
    answered.set(path, await response.text())
  }
  await recorder.flush()

  const text = await readFile(file, 'utf8')
  for (const secret of Object.values(SECRETS)) expect(text).not.toContain(secret)
  const state = JSON.parse(text)
  expect(state).toMatchObject({ version: 1, faults: [] })
  expect(Object.keys(state.stores).sort()).toEqual(['cycle', 'rhacs', 'snowflake', 'swr'])
  expect(state.stores.snowflake.repositories.map((r: { name: string }) => r.name)).not.toContain(
    'DOOMED',
  )
  expect(
    state.stores.cycle.sources.find((s: { id: string }) => s.id === source).origin.details,
  ).toEqual({
    target: 'acme/app:1',
    url: 'https://registry.acme.test',
    username: 'robot',
    password: '<redacted>',
    token: '<redacted>',
  })

  // A fresh mock from another scenario and seed, loaded with the recording, answers the same
  // reads with the same bytes (the registry credentials as placeholders).
  const replay = await keep(serveMock({ scenario: 'empty', seed: 3 }))
  const put = await replay.fetch('/__mock/state', { method: 'PUT', body: text })
  expect(put.status).toBe(200)
  for (const [vendor, path] of reads(ids)) {
    const response = await replay.fetch(path, { headers: headers[vendor] })
    const expected = withPlaceholders(answered.get(path) ?? '')
    const got = await response.text()
    expect({ path, status: response.status, body: got }).toEqual({
      path,
      status: 200,
      body: expected,
    })
  }
})
