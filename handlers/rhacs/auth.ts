import { bearerToken, type MockRequest } from '../../core/request-input.ts'
import { type AuthContext, operationsFor } from '../../core/vendor.ts'
import { RhacsError } from './errors.ts'
import type { AccessLevel, Credential } from './records.ts'
import type { RhacsStore } from './store.ts'

type Resource = 'Image' | 'WatchedImage'
type Needed = 'READ_ACCESS' | 'READ_WRITE_ACCESS'

/** What one RPC needs, as Central's per-RPC authorizer for ImageService says (`service_impl.go`). */
export interface RhacsPermission {
  resource: Resource
  access: Needed
}

/** RHACS's `defineOperation`: each RPC names the resource and access it needs. */
export const rhacsOperation = operationsFor<RhacsStore, undefined, RhacsPermission>()

function permits(level: AccessLevel, needed: Needed): boolean {
  return level === 'READ_WRITE_ACCESS' || (level === 'READ_ACCESS' && needed === 'READ_ACCESS')
}

/** Central's basic-auth user: its htpasswd file holds this one user. */
export const RHACS_BASIC_USER = 'admin'

/**
 * `user:password` of a Basic token, as Central's basic extractor parses it (standard base64, split
 * at the first colon); null when it does not parse.
 */
function decodeBasic(encoded: string): [string, string] | null {
  let decoded: string
  try {
    decoded = atob(encoded)
  } catch {
    return null
  }
  const colon = decoded.indexOf(':')
  if (colon < 0) return null
  return [decoded.slice(0, colon), decoded.slice(colon + 1)]
}

/**
 * Central's answer to Basic credentials it cannot accept: the basic extractor's error wrapped in
 * `errox.NoCredentials` (pkg/grpc/authn/basic/extractor.go, pkg/grpc/authn/interceptor.go).
 */
function basicRefused(cause: string): RhacsError {
  return RhacsError.noCredentials(`basic: cannot extract identity: ${cause}`)
}

/**
 * The caller as a fault rule's `match.principal` sees it: the basic user's name (`admin`), as
 * Central's basic identity names it; undefined for an API token (Central names it by the token's
 * record, which the header does not carry).
 */
export function rhacsPrincipalName(request: MockRequest): string | undefined {
  const header = request.headers.get('authorization')
  if (!header?.startsWith('Basic ')) return undefined
  return decodeBasic(header.slice('Basic '.length))?.[0]
}

/**
 * `Authorization: Bearer <API token>` or `Basic <base64 user:password>` is required (401
 * `credentials not found` otherwise).
 * - Bearer: any token acts as Admin unless the scenario lists it, when it gets its role's access.
 * - Basic: Central has one user, `admin`, whose password the scenario sets (its `basic` credential,
 *   `admin:<password>`); any other user or password is Central's 401 (gRPC 16) naming the user.
 *   `Basic ` must be spelled so, as Central's extractor matches it; other spellings are no
 *   credentials at all.
 */
export function authenticateRhacs({
  request,
  store,
  operation,
  enforce,
}: AuthContext<RhacsStore, RhacsPermission>): undefined {
  if (!enforce) return undefined
  const header = request.headers.get('authorization')
  if (!header) throw RhacsError.noCredentials()
  const credential = header.startsWith('Basic ')
    ? basicCredential(store, header.slice('Basic '.length))
    : bearerCredential(store, bearerToken(request))
  if (!credential) return undefined
  const { resource, access } = operation.permission
  const level = resource === 'Image' ? credential.image : credential.watchedImage
  if (!permits(level, access)) throw RhacsError.notAuthorized(access, resource)
  return undefined
}

/** The scenario's entry for an API token; undefined (Admin) for a token it does not list. */
function bearerCredential(store: RhacsStore, secret: string | undefined): Credential | undefined {
  if (secret === undefined) throw RhacsError.noCredentials()
  return store.credentials.findFirst((q) =>
    q.where((c) => c.kind === 'token' && c.secret === secret),
  )
}

/** The basic user's entry, when user and password are the scenario's; Central's 401 otherwise. */
function basicCredential(store: RhacsStore, token: string): Credential {
  const pair = decodeBasic(token)
  if (!pair) throw basicRefused('failed to parse basic auth token')
  const [user, password] = pair
  const credential = store.credentials.findFirst((q) =>
    q.where((c) => c.kind === 'basic' && c.secret === `${user}:${password}`),
  )
  if (!credential || user !== RHACS_BASIC_USER) {
    throw basicRefused(`failed to identify user with username ${JSON.stringify(user)}`)
  }
  return credential
}
