import { bearerToken } from '../../core/request-input.ts'
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

/**
 * `Authorization: Bearer …` is required. `X-Snowflake-Authorization-Token-Type` may name the token
 * type (OAuth when absent); a KEYPAIR_JWT must look like a JWT. Any token is accepted unless the
 * scenario lists it with `read` access, which is refused writes as a role without privileges is.
 */
export function authenticateSnowflake({
  request,
  store,
  operation,
  enforce,
}: AuthContext<SnowflakeStore, SnowflakeAccess>): undefined {
  if (!enforce) return undefined
  const token = bearerToken(request)
  if (!token) {
    throw new SnowflakeError(
      401,
      SNOWFLAKE_CODES.invalidOAuthToken,
      'Authorization header is missing or is not of the form "Bearer <token>".',
    )
  }
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
