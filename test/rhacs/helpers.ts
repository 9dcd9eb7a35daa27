import type { ImageRecord } from '../../handlers/rhacs/records.ts'
import type { RhacsStore } from '../../handlers/rhacs/store.ts'
import type { Harness } from '../support/harness.ts'

/** Any bearer token the scenario does not list acts as Admin. */
export const ADMIN = { Authorization: 'Bearer rhacs-test-admin-token' } as const

/** Headers with a bearer token. */
export const bearer = (token: string) => ({ Authorization: `Bearer ${token}` })

/** Headers with Basic credentials. */
export const basic = (user: string, password: string) => ({
  Authorization: `Basic ${btoa(`${user}:${password}`)}`,
})

/** A search query as a URL parameter value (`+` must travel as `%2B`, as for the real API). */
export const q = (query: string) => encodeURIComponent(query)

/** Sends a request as Admin unless the init names other credentials. */
export function call(h: Harness, path: string, init: RequestInit = {}): Promise<Response> {
  return h.fetch(path, { ...init, headers: { ...ADMIN, ...(init.headers ?? {}) } })
}

/** POSTs (or another method) a JSON body as Admin. */
export function send(h: Harness, method: string, path: string, body: unknown): Promise<Response> {
  return call(h, path, {
    method,
    headers: { 'Content-Type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  })
}

/** The RHACS store of the harness's default session. */
export const storeOf = (h: Harness): RhacsStore => h.mock.db.rhacs

/** Parses an NDJSON body into its lines. */
export async function readLines(response: Response): Promise<Array<Record<string, unknown>>> {
  const text = await response.text()
  return text
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line))
}

/** Distinct CVE ids of an image's scan; with `fixable`, only those with a fix. */
export function cveIds(image: ImageRecord, fixable = false): Set<string> {
  const ids = new Set<string>()
  for (const component of image.scan?.components ?? []) {
    for (const vuln of component.vulns) if (!fixable || vuln.fixedBy !== '') ids.add(vuln.cve)
  }
  return ids
}

/** Orders by a key, ties by id, as the API does. */
export function byKeyThenId<T extends { id: string }>(key: (item: T) => number | string) {
  return (a: T, b: T) => {
    const x = key(a)
    const y = key(b)
    if (x < y) return -1
    if (x > y) return 1
    return a.id < b.id ? -1 : a.id > b.id ? 1 : 0
  }
}

/** Copies of a stored image under new digests, to grow a store past page limits. */
export async function cloneImages(store: RhacsStore, count: number): Promise<void> {
  const base = store.images.all()[0] as ImageRecord
  for (let i = 0; i < count; i++) {
    const id = `sha256:${i.toString(16).padStart(64, 'c')}`
    const name = base.name && {
      ...base.name,
      tag: `clone-${i}`,
      fullName: `${base.name.registry}/${base.name.remote}:clone-${i}`,
    }
    await store.images.create({ ...structuredClone(base), id, name, names: name ? [name] : [] })
  }
}
