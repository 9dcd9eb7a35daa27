import { CYCLE_HUBS } from '../../fixtures/cycle.ts'

/** Sends one request to whatever serves the vendors (the proxy, or a twin of its upstream). */
export type Send = (path: string, init?: RequestInit) => Promise<Response>

/** A sequence of requests that together call every operation of one vendor. */
export type Script = (send: Send) => Promise<Response[]>

const json = (method: string, body: unknown, headers: Record<string, string>): RequestInit => ({
  method,
  headers: { ...headers, 'Content-Type': 'application/json' },
  body: JSON.stringify(body),
})

const SNOWFLAKE_AUTH = { Authorization: 'Bearer snowflake-proxy-token' }
const REPOS = '/api/v2/databases/ml_platform/schemas/images/image-repositories'

/** Every Snowflake operation, fetchResult through an async create. */
export const snowflakeScript: Script = async (send) => {
  const out: Response[] = []
  const get = (path: string, headers: Record<string, string> = {}) =>
    send(path, { headers: { ...SNOWFLAKE_AUTH, ...headers } })
  out.push(await get(REPOS))
  out.push(await send(REPOS, json('POST', { name: 'proxied' }, SNOWFLAKE_AUTH)))
  out.push(await get(`${REPOS}/proxied`))
  out.push(await get(`${REPOS}?like=PROX%25`))
  const first = ((await (await get(REPOS)).clone().json()) as Array<{ name: string }>)[0]?.name
  out.push(await get(`${REPOS}/${first}/images`))
  out.push(
    await send(
      `${REPOS}/proxied:set-tags`,
      json('POST', [{ tag_name: 'environment', tag_value: 'staging' }], SNOWFLAKE_AUTH),
    ),
  )
  out.push(await get(`${REPOS}/proxied:get-tags`))
  out.push(
    await send(
      `${REPOS}/proxied:unset-tags`,
      json('POST', [{ tag_name: 'environment' }], SNOWFLAKE_AUTH),
    ),
  )
  const accepted = await send(
    REPOS,
    json('POST', { name: 'later' }, { ...SNOWFLAKE_AUTH, Prefer: 'respond-async' }),
  )
  out.push(accepted)
  const location = accepted.headers.get('location') ?? '/api/v2/results/none'
  out.push(await get(location))
  out.push(await send(`${REPOS}/proxied`, { method: 'DELETE', headers: SNOWFLAKE_AUTH }))
  out.push(await get(`${REPOS}/ghost`))
  // Where repositories live: databases and schemas, created, dropped and restored.
  out.push(await get('/api/v2/databases?like=ML%25'))
  out.push(await send('/api/v2/databases', json('POST', { name: 'proxied_db' }, SNOWFLAKE_AUTH)))
  out.push(await get('/api/v2/databases/proxied_db'))
  out.push(await get('/api/v2/databases/proxied_db/schemas'))
  out.push(
    await send(
      '/api/v2/databases/proxied_db/schemas',
      json('POST', { name: 'staging' }, SNOWFLAKE_AUTH),
    ),
  )
  out.push(await get('/api/v2/databases/proxied_db/schemas/staging'))
  const remove = { method: 'DELETE', headers: SNOWFLAKE_AUTH }
  const undrop = { method: 'POST', headers: SNOWFLAKE_AUTH }
  out.push(await send('/api/v2/databases/proxied_db/schemas/staging', remove))
  out.push(await send('/api/v2/databases/proxied_db/schemas/staging:undrop', undrop))
  out.push(await send('/api/v2/databases/proxied_db', remove))
  out.push(await send('/api/v2/databases/proxied_db:undrop', undrop))
  return out
}

const RHACS_AUTH = { Authorization: 'Bearer rhacs-proxy-token' }

/** Every RHACS operation, the export streamed. */
export const rhacsScript: Script = async (send) => {
  const out: Response[] = []
  const get = (path: string) => send(path, { headers: RHACS_AUTH })
  const list = await get('/v1/images?pagination.limit=3')
  out.push(list)
  const { images } = (await list.clone().json()) as { images: Array<{ id: string }> }
  out.push(await get('/v1/imagescount?query=Image%20Registry:docker.io'))
  out.push(await get(`/v1/images/${images[0]?.id}?includeSnoozed=true`))
  out.push(await get('/v1/export/images'))
  out.push(await send('/v1/images/scan', json('POST', { imageName: 'busybox:1.36' }, RHACS_AUTH)))
  out.push(await get('/v1/images/cache/invalidate'))
  out.push(await get('/v1/watchedimages'))
  out.push(await send('/v1/watchedimages', json('POST', { name: 'nginx:1.25' }, RHACS_AUTH)))
  out.push(
    await send('/v1/watchedimages?name=docker.io/library/nginx:1.25', {
      method: 'DELETE',
      headers: RHACS_AUTH,
    }),
  )
  out.push(
    await send('/v1/images?query.query=Image:busybox&confirm=true', {
      method: 'DELETE',
      headers: RHACS_AUTH,
    }),
  )
  out.push(await get('/v1/images/sha256:0000'))
  return out
}

const SWR_AUTH = { 'X-Auth-Token': 'swr-proxy-iam-token', 'Content-Type': 'application/json' }

/** SWR's one operation, in both forms and with an error. */
export const swrScript: Script = async (send) => {
  const get = (query: string) =>
    send(`/v2/manage/shared-repositories?${query}`, { headers: SWR_AUTH })
  return [
    await get('center=self'),
    await get('center=thirdparty&limit=2&offset=0&order_column=name&order_type=asc'),
    await get('filter=center::self|limit::5|offset::0'),
    await get('center=nowhere'),
  ]
}

export const CYCLE_HUB = CYCLE_HUBS.main.id
const CYCLE_AUTH = { Authorization: 'Bearer cycle-proxy-token', 'X-Hub-Id': CYCLE_HUB }

/** Every Cycle operation: sources from create to the job of their deletion. */
export const cycleScript: Script = async (send) => {
  const out: Response[] = []
  const get = (path: string) => send(path, { headers: CYCLE_AUTH })
  out.push(await get('/v1/images/sources?include=creators,integrations&meta=images_count'))
  const created = await send(
    '/v1/images/sources',
    json(
      'POST',
      {
        name: 'web',
        type: 'direct',
        origin: { type: 'docker-hub', details: { target: 'nginx:1' } },
      },
      CYCLE_AUTH,
    ),
  )
  out.push(created)
  const id = ((await created.clone().json()) as { data: { id: string } }).data.id
  out.push(await get(`/v1/images/sources/${id}?meta=images_count`))
  out.push(await send(`/v1/images/sources/${id}`, json('PATCH', { name: 'web-2' }, CYCLE_AUTH)))
  out.push(
    await send(
      `/v1/images/sources/${id}/access`,
      json('PATCH', { acl: { roles: {} } }, CYCLE_AUTH),
    ),
  )
  const deleted = await send(`/v1/images/sources/${id}`, { method: 'DELETE', headers: CYCLE_AUTH })
  out.push(deleted)
  const job = ((await deleted.clone().json()) as { data: { job: { id: string } } }).data.job.id
  out.push(await get(`/v1/jobs/${job}`))
  out.push(await get('/v1/images/sources/000000000000000000000000'))
  return out
}

/** The scripts by vendor, with the headers each vendor's answers carry meaning in. */
export const SCRIPTS = {
  snowflake: {
    script: snowflakeScript,
    headers: ['content-type', 'x-snowflake-request-id', 'location'],
  },
  rhacs: { script: rhacsScript, headers: ['content-type', 'x-request-id'] },
  swr: { script: swrScript, headers: ['content-type', 'x-request-id', 'content-range'] },
  cycle: { script: cycleScript, headers: ['content-type', 'x-request-id'] },
} as const
