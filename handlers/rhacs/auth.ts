import { type AuthContext, operationsFor } from '../../core/vendor.ts'
import { RhacsError } from './errors.ts'
import type { RhacsStore } from './model.ts'
import type { AccessLevel, Credential } from './schemas.ts'

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

function decodeBasic(encoded: string): [string, string] | null {
  let decoded: string
  try {
    decoded = atob(encoded)
  } catch {
    return null
  }
  const colon = decoded.indexOf(':')
  if (colon < 1) return null
  return [decoded.slice(0, colon), decoded.slice(colon + 1)]
}

/**
 * `Authorization: Bearer <API token>` or `Basic <base64 user:password>` is required (401
 * `credentials not found` otherwise). Any credential acts as Admin unless the scenario lists it:
 * a listed token or user gets its role's access to `Image` and `WatchedImage`, and a listed user
 * must give the right password.
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
  const match = /^(Bearer|Basic)\s+(\S+)\s*$/i.exec(header)
  if (!match) throw RhacsError.noCredentials()
  const scheme = (match[1] ?? '').toLowerCase()
  const secret = match[2] ?? ''
  let credential: Credential | undefined
  if (scheme === 'bearer') {
    credential = store.credentials.findFirst((q) =>
      q.where((c) => c.kind === 'token' && c.secret === secret),
    )
  } else {
    const pair = decodeBasic(secret)
    if (!pair) throw RhacsError.noCredentials('malformed basic credentials')
    const [user, password] = pair
    credential = store.credentials.findFirst((q) =>
      q.where((c) => c.kind === 'basic' && c.secret.startsWith(`${user}:`)),
    )
    if (credential && credential.secret !== `${user}:${password}`) {
      throw RhacsError.noCredentials('invalid username or password')
    }
  }
  if (!credential) return undefined
  const { resource, access } = operation.permission
  const level = resource === 'Image' ? credential.image : credential.watchedImage
  if (!permits(level, access)) throw RhacsError.notAuthorized(access, resource)
  return undefined
}
