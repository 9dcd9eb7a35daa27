import { FOLDING_ROUTING } from '../../core/path-pattern.ts'
import { defineVendor, type OperationNameOf } from '../../core/vendor.ts'
import { authenticateSnowflake, snowflakePrincipalName } from './auth.ts'
import { databaseOperations } from './databases.ts'
import { invalidSnowflakeQuery, renderSnowflakeError } from './errors.ts'
import { imageRepositoryOperations } from './image-repositories.ts'
import { uuidFrom } from './model/image-repositories.ts'
import { errorResponseSchema } from './records.ts'
import { schemaOperations } from './schemas.ts'
import { createSnowflakeStore } from './store.ts'

export { SnowflakeError } from './errors.ts'
export type { SnowflakeStore } from './store.ts'

/** Snowflake REST API v2: databases, schemas, image repositories and the result API. */
export const snowflake = defineVendor({
  name: 'snowflake',
  title: 'Snowflake',
  pathPrefixes: ['/api/v2/databases', '/api/v2/results'],
  /**
   * @note How Snowflake's REST front end treats a trailing slash is not published; the mock keeps
   * folding `/x/` onto `/x` and answers an empty segment (`/databases//schemas`) with its 404.
   */
  /**
   * @note Snowflake's paths end in custom methods (`{name}:undrop`, `:clone`): a name never
   * takes a `:` in a path, so an unserved verb is a 404. A quoted identifier holding a `:` is
   * not addressable by path here.
   */
  routing: { ...FOLDING_ROUTING, customMethods: true },
  requestIdHeader: 'X-Snowflake-Request-ID',
  createRequestId: uuidFrom,
  createStore: createSnowflakeStore,
  operations: [...databaseOperations, ...schemaOperations, ...imageRepositoryOperations],
  renderError: renderSnowflakeError,
  /**
   * No rate-limit headers: its throttling answer carries `Retry-After` alone.
   * @note Snowflake publishes none: the `429LimitExceeded` response of its REST API's common.yaml
   * declares only `X-Snowflake-Request-ID`.
   */
  throttleHeaders: () => ({}),
  invalidQuery: invalidSnowflakeQuery,
  authenticate: authenticateSnowflake,
  principalName: snowflakePrincipalName,
  errorSchema: errorResponseSchema,
  securitySchemes: {
    bearer: {
      type: 'http',
      scheme: 'bearer',
      description:
        'OAuth, key-pair JWT or programmatic access token; name the kind in X-Snowflake-Authorization-Token-Type',
    },
    session: {
      type: 'apiKey',
      in: 'header',
      name: 'Authorization',
      description:
        'A connector session: `Snowflake Token="<session token>"`, as the official Python API (snowflake.core) sends it',
    },
  },
})

/** Snowflake's operation ids as its contract spells them; tables keyed by it must list every one. */
export type SnowflakeOperationId = OperationNameOf<typeof snowflake>
