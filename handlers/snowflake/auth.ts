import { bearerToken, type MockRequest } from '../../core/request-input.ts'
import { type AuthContext, operationsFor } from '../../core/vendor.ts'
import { SNOWFLAKE_CODES, SnowflakeError } from './errors.ts'
import type { SnowflakeStore } from './store.ts'

const TOKEN_TYPES = ['KEYPAIR_JWT', 'OAUTH', 'PROGRAMMATIC_ACCESS_TOKEN'] as const

/**
 * What an operation needs: `read`, or a write with the object a role needs privileges on (named
 * in the 403). A token the scenario lists with `read` access is refused every write.
 */
export type SnowflakeAccess = 'read' | { write: 'account' | 'database' | 'schema' }

/** Snowflake's `defineOperation`: each operation says whether it reads or writes. */
export const snowflakeOperation = operationsFor<SnowflakeStore, undefined, SnowflakeAccess>()

/** The connector's session form: `Snowflake Token="<session token>"` (quotes optional). */
const SESSION_TOKEN = /^Snowflake\s+Token=(?:"([^"\s]+)"|([^"\s]+))\s*$/i

/**
 * The caller as a fault rule's `match.principal` sees it: a key-pair JWT's `sub`
 * (`ACCOUNT.USER`, as Snowflake's key-pair authentication names the user); undefined for an OAuth
 * token or PAT, whose user the bearer value does not show.
 */
export function snowflakePrincipalName(request: MockRequest): string | undefined {
  const token = /^Bearer\s+[\w-]+\.([\w-]+)\.[\w-]*\s*$/i.exec(
    request.headers.get('authorization') ?? '',
  )?.[1]
  if (!token) return undefined
  try {
    const claims: unknown = JSON.parse(atob(token.replace(/-/g, '+').replace(/_/g, '/')))
    const sub = (claims as { sub?: unknown } | null)?.sub
    return typeof sub === 'string' ? sub : undefined
  } catch {
    return undefined
  }
}

/**
 * One of two `Authorization` forms is required:
 * - `Bearer <token>` (the SQL API and REST API docs). `X-Snowflake-Authorization-Token-Type` may
 *   name its type (OAuth when absent); a KEYPAIR_JWT must look like a JWT.
 * - `Snowflake Token="<session token>"`, the session token of a connector login, which Snowflake's
 *   REST front end also takes and which the official Python API (`snowflake.core`) sends on
 *   every REST call (snowflake-connector-python `network.py` `HEADER_SNOWFLAKE_TOKEN`). The
 *   principal is the session's; `X-Snowflake-Authorization-Token-Type` names a bearer token's
 *   type and is not read for it.
 * Any token is accepted unless the scenario lists it with `read` access, which is refused writes
 * as a role without privileges is.
 */
export function authenticateSnowflake({
  request,
  store,
  operation,
  enforce,
}: AuthContext<SnowflakeStore, SnowflakeAccess>): undefined {
  if (!enforce) return undefined
  const session = SESSION_TOKEN.exec(request.headers.get('authorization') ?? '')
  const token = session ? (session[1] ?? session[2]) : bearerToken(request)
  if (!token) {
    throw new SnowflakeError(
      401,
      SNOWFLAKE_CODES.invalidOAuthToken,
      'Authorization header is missing or is not of the form "Bearer <token>" or \'Snowflake Token="<session token>"\'.',
    )
  }
  if (!session) checkBearerType(request, token)
  const known = store.tokenByValue.first(token)
  const needed = operation.permission
  if (known?.access === 'read' && needed !== 'read') {
    throw new SnowflakeError(
      403,
      SNOWFLAKE_CODES.insufficientPrivileges,
      `SQL access control error:\nInsufficient privileges to operate on ${needed.write}.`,
    )
  }
  return undefined
}

/** The `X-Snowflake-Authorization-Token-Type` rules of a bearer token; throws Snowflake's 401. */
function checkBearerType(request: MockRequest, token: string): void {
  const type = request.headers.get('x-snowflake-authorization-token-type')?.toUpperCase() ?? 'OAUTH'
  if (!(TOKEN_TYPES as readonly string[]).includes(type)) {
    throw new SnowflakeError(
      401,
      SNOWFLAKE_CODES.invalidOAuthToken,
      `Unsupported X-Snowflake-Authorization-Token-Type '${type}'; use one of ${TOKEN_TYPES.join(', ')}.`,
    )
  }
  if (type === 'KEYPAIR_JWT' && !/^[\w-]+\.[\w-]+\.[\w-]*$/.test(token)) {
    throw new SnowflakeError(401, SNOWFLAKE_CODES.invalidJwt, 'JWT token is invalid.')
  }
}
