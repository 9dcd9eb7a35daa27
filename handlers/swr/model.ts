import { SWR_CODES, SwrError } from './errors.ts'
import type { SharedReposQuery } from './query.ts'
import type { SharedRepository, SwrAccount } from './records.ts'
import type { SwrStore } from './store.ts'

/** The session's account; a store without one (an odd state import) is SWR's 500. */
export function requireAccount(store: SwrStore): SwrAccount {
  const account = store.accounts.all()[0]
  if (!account) {
    throw new SwrError(
      500,
      SWR_CODES.listFailed,
      'Internal server error: Failed to obtain the list.',
      'the session has no SWR account; reset it or import a state with swr.accounts',
    )
  }
  return account
}

/** The secret key of an access key, if the scenario knows it. */
export function findSecretKey(store: SwrStore, accessKey: string): string | undefined {
  return store.accessKeys.findFirst((q) => q.where({ accessKey }))?.secretKey
}

/** `{registry}/{namespace}/{repository}`, the form of `path` and `internal_path`. */
export function pullAddress(registry: string, namespace: string, name: string): string {
  return `${registry}/${namespace}/${name}`
}

/** A page of shared repositories and how many matched before paging. */
export interface SharedReposPage {
  items: SharedRepository[]
  total: number
}

/**
 * ListSharedReposDetails: the repositories the account shares (`self`) or that others share with
 * it (`thirdparty`), filtered by exact namespace and name, ordered, then paged.
 *
 * @note Without order parameters the mock orders by `updated_at` descending (newest first), ties by
 * namespace, name and account; SWR documents no default order. `namespace` and `name` match
 * exactly: the docs describe no fuzzy matching for this operation.
 */
export function listSharedRepositories(store: SwrStore, query: SharedReposQuery): SharedReposPage {
  const own = requireAccount(store).domainName
  const order = query.order ?? { column: 'updated_at', type: 'desc' }
  const matched =
    query.name === undefined && query.namespace === undefined
      ? sortedCenter(store, own, query.center, order)
      : matching(store, own, query, order)
  const items = query.page
    ? matched.slice(query.page.offset, query.page.offset + query.page.limit)
    : matched.slice()
  return { items, total: matched.length }
}

type Order = NonNullable<SharedReposQuery['order']>

/** The repositories a name or namespace query selects (through an index), ordered. */
function matching(
  store: SwrStore,
  own: string,
  query: SharedReposQuery,
  order: Order,
): SharedRepository[] {
  const candidates =
    query.name !== undefined
      ? store.repositoriesByName.all(query.name)
      : store.repositoriesByNamespace.all(query.namespace as string)
  const matched = candidates.filter(
    (r) =>
      (r.domain_name === own) === (query.center === 'self') &&
      (query.namespace === undefined || r.namespace === query.namespace) &&
      (query.name === undefined || r.name === query.name),
  )
  return sortRepositories(matched, order)
}

/**
 * Every repository of a center in one order, sorted once per store version: sorting the whole
 * account on each request would dominate a paged listing. At most the 12 orders of 2 centers ×
 * 3 columns × 2 directions are kept, for the account domain the store has.
 */
function sortedCenter(
  store: SwrStore,
  own: string,
  center: SharedReposQuery['center'],
  order: Order,
): readonly SharedRepository[] {
  const cacheKey = `${own}\u0000${center}\u0000${order.column}\u0000${order.type}`
  const version = store.repositoryChanges.version
  const cached = store.sortedRepositories.get(cacheKey)
  if (cached?.version === version) return cached.repositories
  if (cached === undefined && store.sortedRepositories.size >= 12) store.sortedRepositories.clear()
  const self = center === 'self'
  const inCenter = store.sharedRepositories.all().filter((r) => (r.domain_name === own) === self)
  const repositories = sortRepositories(inCenter, order)
  store.sortedRepositories.set(cacheKey, { version, repositories })
  return repositories
}

function sortRepositories(repositories: SharedRepository[], order: Order): SharedRepository[] {
  const direction = order.type === 'asc' ? 1 : -1
  const primary = PRIMARY[order.column]
  return repositories.sort((a, b) => direction * primary(a, b) || tieBreak(a, b))
}

const compareText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0)

const PRIMARY: Record<
  'name' | 'updated_at' | 'tag_count',
  (a: SharedRepository, b: SharedRepository) => number
> = {
  name: (a, b) => compareText(a.name, b.name),
  // Timestamps share one fixed-width UTC form, so text order is time order.
  updated_at: (a, b) => compareText(a.updated_at, b.updated_at),
  tag_count: (a, b) => a.num_images - b.num_images,
}

function tieBreak(a: SharedRepository, b: SharedRepository): number {
  return (
    compareText(a.namespace, b.namespace) ||
    compareText(a.name, b.name) ||
    compareText(a.domain_name, b.domain_name)
  )
}
