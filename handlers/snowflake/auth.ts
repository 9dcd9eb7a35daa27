import type { AuthContext } from '../../core/vendor.ts'
import { SNOWFLAKE_CODES, SnowflakeError } from './errors.ts'
import type { SnowflakeStore } from './model.ts'

const TOKEN_TYPES = ['KEYPAIR_JWT', 'OAUTH', 'PROGRAMMATIC_ACCESS_TOKEN'] as const
/** Operations that change state, with the object a role needs privileges on to run them. */
const WRITE_OPERATIONS = new Map([
  ['createDatabase', 'account'],
  ['deleteDatabase', 'database'],
  ['undropDatabase', 'account'],
  ['createSchema', 'database'],
  ['deleteSchema', 'schema'],
  ['undropSchema', 'database'],
  ['createImageRepository', 'schema'],
  ['deleteImageRepository', 'schema'],
  ['setTags', 'schema'],
  ['unsetTags', 'schema'],
])

/**
 * `Authorization: Bearer …` is required. `X-Snowflake-Authorization-Token-Type` may name the token
 * type (OAuth when absent); a KEYPAIR_JWT must look like a JWT. Any token is accepted unless the
 * scenario lists it with `read` access, which is refused writes as a role without privileges is.
 */
export function authenticateSnowflake({
  request,
  store,
  operation,
}: AuthContext<SnowflakeStore>): void {
  const header = request.headers.get('authorization')
  const token = header && /^Bearer\s+(\S+)\s*$/i.exec(header)?.[1]
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
  const object = WRITE_OPERATIONS.get(operation.id)
  if (known?.access === 'read' && object) {
    throw new SnowflakeError(
      403,
      SNOWFLAKE_CODES.insufficientPrivileges,
      `SQL access control error:\nInsufficient privileges to operate on ${object}.`,
    )
  }
}
