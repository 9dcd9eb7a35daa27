import type { AuthContext } from '../../core/vendor.ts'
import { RhacsError } from './errors.ts'
import type { RhacsStore } from './model.ts'
import type { AccessLevel, Credential } from './schemas.ts'

type Resource = 'Image' | 'WatchedImage'
type Needed = 'READ_ACCESS' | 'READ_WRITE_ACCESS'

/** Central's per-RPC authorizer for ImageService (`service_impl.go`). */
const REQUIRED: Record<string, readonly [Resource, Needed]> = {
  ImageService_GetImage: ['Image', 'READ_ACCESS'],
  ImageService_CountImages: ['Image', 'READ_ACCESS'],
  ImageService_ListImages: ['Image', 'READ_ACCESS'],
  ImageService_ExportImages: ['Image', 'READ_ACCESS'],
  ImageService_DeleteImages: ['Image', 'READ_WRITE_ACCESS'],
  ImageService_InvalidateScanAndRegistryCaches: ['Image', 'READ_WRITE_ACCESS'],
  ImageService_ScanImage: ['Image', 'READ_WRITE_ACCESS'],
  ImageService_GetWatchedImages: ['WatchedImage', 'READ_ACCESS'],
  ImageService_WatchImage: ['WatchedImage', 'READ_WRITE_ACCESS'],
  ImageService_UnwatchImage: ['WatchedImage', 'READ_WRITE_ACCESS'],
}

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
export function authenticateRhacs({ request, store, operation }: AuthContext<RhacsStore>): void {
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
  const required = REQUIRED[operation.id]
  if (!required || !credential) return
  const [resource, needed] = required
  const level = resource === 'Image' ? credential.image : credential.watchedImage
  if (!permits(level, needed)) throw RhacsError.notAuthorized(needed, resource)
}
