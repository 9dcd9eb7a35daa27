import { fetchWithRetry, parseRetryAfter, type RecoveredEvent, type RetryEvent } from './retry.ts'

/** Where the example sends its API calls and with which credentials. */
export interface ApiSettings {
  /** '' for the page's own origin (the msw worker), or the standalone server's origin. */
  origin: string
  /** Sent as `X-Mock-Session` when set, so several demos can share one standalone server. */
  session?: string
  snowflake: { token: string; database: string; schema: string }
  cycle: { token: string; hubId: string }
  onRetry?: (vendor: string, event: RetryEvent) => void
  /** Told when a retried request gets its answer. */
  onRecovered?: (vendor: string, event: RecoveredEvent) => void
  /** Backoff base in ms (default 250). */
  retryBaseMs?: number
}

/** A vendor error, with the vendor's own code and message. */
export class ApiError extends Error {
  constructor(
    readonly vendor: string,
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message)
  }
}

/** A Snowflake image repository as the list shows it. */
export interface ImageRepository {
  name: string
  database_name: string
  schema_name: string
  repository_url: string
  owner: string
  created_on: string
}

/** A Cycle image source as the list shows it (the fields the example uses). */
export interface ImageSource {
  id: string
  name: string
  identifier: string
  type: string
  origin: { type: string; details?: { target?: string } }
  state: { current: string }
}

/** A Cycle job as `getJob` answers it (the fields the example uses). */
export interface Job {
  id: string
  state: { current: string }
}

/** One poll of a job: the job, and the server's Retry-After (ms) if it sent one. */
export interface JobPoll {
  job: Job
  retryAfterMs: number | undefined
}

/** The Snowflake image-repository calls the example makes, each with retries. */
export function snowflakeClient(settings: ApiSettings) {
  const { database, schema, token } = settings.snowflake
  const base = `${settings.origin}/api/v2/databases/${encodeURIComponent(database)}/schemas/${encodeURIComponent(schema)}/image-repositories`
  const call = (path: string, init: RequestInit = {}) =>
    request(settings, 'snowflake', `${base}${path}`, {
      ...init,
      headers: { Authorization: `Bearer ${token}`, Accept: 'application/json', ...init.headers },
    })
  return {
    async list(): Promise<ImageRepository[]> {
      return (await call('')) as ImageRepository[]
    },
    async create(name: string): Promise<void> {
      await call('?createMode=errorIfExists', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ name }),
      })
    },
    async remove(name: string): Promise<void> {
      await call(`/${encodeURIComponent(name)}`, { method: 'DELETE' })
    },
  }
}

/** The Cycle image-source calls the example makes, each with retries. */
export function cycleClient(settings: ApiSettings) {
  const { hubId, token } = settings.cycle
  const base = `${settings.origin}/v1/images/sources`
  const call = (path: string, init: RequestInit = {}) =>
    request(settings, 'cycle', `${base}${path}`, {
      ...init,
      headers: {
        Authorization: `Bearer ${token}`,
        'X-Hub-Id': hubId,
        Accept: 'application/json',
        ...init.headers,
      },
    })
  return {
    async list(): Promise<ImageSource[]> {
      return ((await call('')) as { data: ImageSource[] }).data
    },
    async create(name: string, target: string): Promise<ImageSource> {
      const body = {
        name,
        type: 'direct',
        origin: { type: 'docker-hub', details: { target } },
      }
      const created = await call('', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(body),
      })
      return (created as { data: ImageSource }).data
    },
    async get(id: string): Promise<ImageSource> {
      return ((await call(`/${encodeURIComponent(id)}`)) as { data: ImageSource }).data
    },
    /** Starts the delete job; Cycle answers 202 with a job descriptor, whose job id this returns. */
    async remove(id: string): Promise<string> {
      const answer = await call(`/${encodeURIComponent(id)}`, { method: 'DELETE' })
      return (answer as { data: { job: { id: string } } }).data.job.id
    },
    /** Reads a job once (`GET /v1/jobs/{jobId}`), with the Retry-After the server sent, if any. */
    async job(jobId: string): Promise<JobPoll> {
      const { body, headers } = await send(
        settings,
        'cycle',
        `${settings.origin}/v1/jobs/${encodeURIComponent(jobId)}`,
        {
          headers: {
            Authorization: `Bearer ${token}`,
            'X-Hub-Id': hubId,
            Accept: 'application/json',
          },
        },
      )
      return {
        job: (body as { data: Job }).data,
        retryAfterMs: parseRetryAfter(headers.get('Retry-After'), Date.now()),
      }
    },
  }
}

/** Job states after which a job never changes again. */
const FINAL_JOB_STATES = new Set(['completed', 'error', 'expired'])

/**
 * Polls a job until it reaches a final state, as a Cycle client does: waits `intervalMs` between
 * polls, or the server's `Retry-After` when it sends one (429 and 503 are retried inside each poll
 * by fetchWithRetry, also honouring Retry-After). Calls `onState` with every state seen.
 */
export async function waitForJob(
  poll: () => Promise<JobPoll>,
  {
    intervalMs,
    onState,
    maxPolls = 120,
    sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)),
  }: {
    intervalMs: number
    onState?: (state: string) => void
    maxPolls?: number
    sleep?: (ms: number) => Promise<void>
  },
): Promise<Job> {
  for (let polls = 1; ; polls++) {
    const { job, retryAfterMs } = await poll()
    onState?.(job.state.current)
    if (FINAL_JOB_STATES.has(job.state.current)) return job
    if (polls >= maxPolls) {
      throw new Error(`job ${job.id} is still ${job.state.current} after ${polls} polls`)
    }
    await sleep(retryAfterMs ?? intervalMs)
  }
}

async function request(
  settings: ApiSettings,
  vendor: string,
  url: string,
  init: RequestInit,
): Promise<unknown> {
  return (await send(settings, vendor, url, init)).body
}

/** Sends with retries; resolves the parsed JSON body and the headers of a 2xx answer. */
async function send(
  settings: ApiSettings,
  vendor: string,
  url: string,
  init: RequestInit,
): Promise<{ body: unknown; headers: Headers }> {
  const headers = new Headers(init.headers)
  if (settings.session) headers.set('X-Mock-Session', settings.session)
  const response = await fetchWithRetry(
    url,
    { ...init, headers },
    {
      baseMs: settings.retryBaseMs,
      onRetry: (event) => settings.onRetry?.(vendor, event),
      onRecovered: (event) => settings.onRecovered?.(vendor, event),
    },
  )
  const text = await response.text()
  let body: unknown = null
  try {
    body = text === '' ? null : JSON.parse(text)
  } catch {
    // Not an API answer at all, e.g. a dev server's page when nothing mocks this vendor yet.
    throw new ApiError(
      vendor,
      response.status,
      'not-json',
      `${url} did not answer with JSON (HTTP ${response.status})`,
    )
  }
  if (!response.ok) throw vendorError(vendor, response.status, body)
  return { body, headers: response.headers }
}

/** Reads each vendor's error envelope: Snowflake `{code, message}`, Cycle `{error: {code, title, detail}}`. */
function vendorError(vendor: string, status: number, body: unknown): ApiError {
  const b = (body ?? {}) as {
    code?: string
    message?: string
    error?: { code?: string; title?: string; detail?: string; message?: string }
  }
  if (b.error && typeof b.error === 'object') {
    const message = [b.error.title, b.error.detail].filter(Boolean).join(': ') || b.error.message
    return new ApiError(vendor, status, b.error.code ?? String(status), message ?? `HTTP ${status}`)
  }
  return new ApiError(vendor, status, b.code ?? String(status), b.message ?? `HTTP ${status}`)
}
