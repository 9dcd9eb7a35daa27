import { bearerToken, type MockRequest } from '../../core/request-input.ts'
import { type AuthContext, operationsFor } from '../../core/vendor.ts'
import { CycleError } from './errors.ts'
import type { Creator, Hub } from './records.ts'
import type { CycleStore } from './store.ts'

/** The capabilities Cycle's operations need, as the contract's descriptions state them. */
export type CycleCapability = 'images-sources-view' | 'images-sources-manage' | 'apionly-jobs-view'

/** Who is calling, and in which hub. */
export interface Caller {
  hub: Hub
  creator: Creator
}

/**
 * The caller as a fault rule's `match.principal` sees it: `<hub id>/<creator type>/<creator id>`
 * (Cycle's `creator` of what the caller makes: `account` or `api-key`), or the `X-Hub-Id` alone
 * when credentials are not checked.
 */
export function cyclePrincipalName(
  request: MockRequest,
  caller: Caller | undefined,
): string | undefined {
  if (caller) return `${caller.hub.id}/${caller.creator.type}/${caller.creator.id}`
  return request.headers.get('x-hub-id') ?? undefined
}

/** Cycle's `defineOperation`: each operation names the capability it needs. */
export const cycleOperation = operationsFor<CycleStore, Caller, CycleCapability>()

/**
 * `Authorization: Bearer …` and `X-Hub-Id` are both required. A token that is one of the
 * scenario's API key secrets must belong to that hub and hold the operation's capability; any other
 * non-empty token may do everything, acting as the hub's owner.
 * @note The real API's answer to a missing `X-Hub-Id` is not documented; the mock gives the same
 * `403.wrong-hub` as for an unknown hub.
 */
export function authenticateCycle({
  request,
  store,
  operation,
  enforce,
}: AuthContext<CycleStore, CycleCapability>): Caller {
  if (!enforce) return callerOf(store, request)
  const token = bearerToken(request)
  if (!token) {
    throw new CycleError(
      401,
      '401.auth-invalid',
      'Invalid authentication',
      'The Authorization header is missing or is not of the form "Bearer <api key>".',
    )
  }
  const hub = requireHub(store, request.headers.get('x-hub-id'))
  const apiKey = store.apiKeyBySecret.first(token)
  if (!apiKey) return { hub, creator: { id: hub.owner_account_id, type: 'account' } }
  if (apiKey.state.current !== 'live') {
    throw new CycleError(
      401,
      '401.auth-invalid',
      'Invalid authentication',
      'This API key has been deleted.',
    )
  }
  if (apiKey.hub_id !== hub.id) {
    throw new CycleError(
      403,
      '403.wrong-hub',
      'Wrong hub',
      `This API key belongs to another hub and cannot be used in hub '${hub.id}'.`,
    )
  }
  const capability = operation.permission
  if (!apiKey.capabilities.all && !apiKey.capabilities.specific.includes(capability)) {
    throw new CycleError(
      403,
      '403.permissions',
      'Missing capability',
      `This API key lacks the '${capability}' capability that ${operation.id} requires.`,
      undefined,
      { capability },
    )
  }
  return { hub, creator: { id: apiKey.id, type: 'api-key' } }
}

/**
 * The hub and creator of a request when auth is off: a request without `X-Hub-Id` works in the
 * scenario's first hub.
 */
function callerOf(store: CycleStore, request: MockRequest): Caller {
  const header = request.headers.get('x-hub-id')
  const hub = header === null ? store.hubs.all()[0] : requireHub(store, header)
  if (!hub) throw wrongHub('This scenario has no hubs.')
  const token = bearerToken(request)
  const apiKey = token ? store.apiKeyBySecret.first(token) : undefined
  const creator: Creator = apiKey
    ? { id: apiKey.id, type: 'api-key' }
    : { id: hub.owner_account_id, type: 'account' }
  return { hub, creator }
}

function requireHub(store: CycleStore, header: string | null): Hub {
  if (header === null || header.trim() === '') {
    throw wrongHub('The X-Hub-Id header is required: it names the hub this request acts in.')
  }
  const hub = store.hubById.first(header.trim())
  if (!hub) throw wrongHub(`No hub with ID '${header.trim().slice(0, 80)}' is available to you.`)
  return hub
}

function wrongHub(detail: string): CycleError {
  return new CycleError(403, '403.wrong-hub', 'Wrong hub', detail)
}
