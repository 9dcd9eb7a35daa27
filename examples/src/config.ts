/** How the example app reaches the mock. */
export interface ExampleConfig {
  /** `worker`: msw's service worker in this page; `server`: the standalone server. */
  target: 'worker' | 'server'
  /** '' (same origin, answered by the worker) or the standalone server's origin. */
  origin: string
  /** `X-Mock-Session` to send, if any. */
  session?: string
  /** Worker only: the scenario and seed the in-page mock starts from. */
  scenario: string
  seed: number
  /** Worker only: keep the mock's state in IndexedDB across reloads (`?persist=1`). */
  persist: boolean
  /** Backoff base of the retries in ms. */
  retryBaseMs: number
  /** Whether the page draws the live timeline (polling the mock's journal); `?timeline=off` not. */
  timeline: boolean
  /** How often a Cycle job is polled when the server sends no Retry-After, in ms. */
  jobPollMs: number
  snowflake: { token: string; database: string; schema: string }
  cycle: { token: string; hubId: string }
}

/**
 * Cycle hub and token of the default scenario: the main hub of fixtures/cycle.ts (`CYCLE_HUBS.main`;
 * a test keeps them equal) and a token that is no scenario API key, which Cycle's mock accepts as
 * the hub owner. `?hub=` and `?cycleToken=` override them. Not imported from the fixtures, so the
 * server mode bundles none of the mock.
 */
export const CYCLE_DEFAULTS = { hubId: '651586fca6078e98982dbd90', token: 'example-cycle-token' }

/**
 * Reads the settings from the page's query string, falling back to Vite env variables:
 * `?target=server&port=4010` (or `VITE_MOCK_TARGET=server`, `VITE_MOCK_PORT`) switches from the
 * worker to the standalone server on 127.0.0.1; `url=` / `VITE_MOCK_URL` names another origin.
 */
export function readConfig(
  search: string,
  env: Record<string, string | undefined> = {},
): ExampleConfig {
  const q = new URLSearchParams(search)
  const get = (name: string, envName: string) => q.get(name) ?? env[envName] ?? undefined
  const target = get('target', 'VITE_MOCK_TARGET') ?? 'worker'
  if (target !== 'worker' && target !== 'server') {
    throw new Error(`target must be "worker" or "server"; got "${target}"`)
  }
  let origin = ''
  if (target === 'server') {
    const url = get('url', 'VITE_MOCK_URL')
    if (url) {
      origin = new URL(url).origin
    } else {
      const port = Number(get('port', 'VITE_MOCK_PORT') ?? 4010)
      if (!Number.isInteger(port) || port < 1 || port > 65535) {
        throw new Error(
          `port must be a whole number from 1 to 65535; got "${get('port', 'VITE_MOCK_PORT')}"`,
        )
      }
      origin = `http://${q.get('host') ?? '127.0.0.1'}:${port}`
    }
  }
  const seed = Number(q.get('seed') ?? 1)
  const retryBaseMs = Number(q.get('retryBase') ?? 250)
  const jobPollMs = Number(q.get('jobPoll') ?? 1000)
  return {
    target,
    origin,
    session: q.get('session') ?? undefined,
    scenario: q.get('scenario') ?? 'default',
    seed: Number.isInteger(seed) && seed >= 0 ? seed : 1,
    persist: ['1', 'true'].includes(q.get('persist') ?? ''),
    retryBaseMs: Number.isFinite(retryBaseMs) && retryBaseMs >= 0 ? retryBaseMs : 250,
    timeline: q.get('timeline') !== 'off',
    jobPollMs: Number.isFinite(jobPollMs) && jobPollMs >= 0 ? jobPollMs : 1000,
    snowflake: {
      token: q.get('snowflakeToken') ?? 'example-oauth-token',
      database: 'ML_PLATFORM',
      schema: 'IMAGES',
    },
    cycle: {
      token: q.get('cycleToken') ?? CYCLE_DEFAULTS.token,
      hubId: q.get('hub') ?? CYCLE_DEFAULTS.hubId,
    },
  }
}
