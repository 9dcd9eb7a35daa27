import { FOLDING_ROUTING } from '../../core/path-pattern.ts'
import { defineVendor } from '../../core/vendor.ts'
import { authenticateSnowflake } from './auth.ts'
import { renderSnowflakeError } from './errors.ts'
import { snowflakeOperations } from './handlers.ts'
import { createSnowflakeStore, uuidFrom } from './model.ts'
import { errorResponseSchema } from './schemas.ts'

export { SnowflakeError } from './errors.ts'
export type { SnowflakeStore } from './model.ts'

/** Snowflake REST API v2: image repositories and the result API. */
export const snowflake = defineVendor({
  name: 'snowflake',
  title: 'Snowflake',
  pathPrefixes: ['/api/v2/databases', '/api/v2/results'],
  /**
   * @note How Snowflake's REST front end treats a trailing slash is not published; the mock keeps
   * folding `/x/` onto `/x` and answers an empty segment (`/databases//schemas`) with its 404.
   */
  routing: FOLDING_ROUTING,
  requestIdHeader: 'X-Snowflake-Request-ID',
  createRequestId: uuidFrom,
  createStore: createSnowflakeStore,
  operations: snowflakeOperations,
  renderError: renderSnowflakeError,
  authenticate: authenticateSnowflake,
  errorSchema: errorResponseSchema,
  securitySchemes: {
    bearer: {
      type: 'http',
      scheme: 'bearer',
      description:
        'OAuth, key-pair JWT or programmatic access token; name the kind in X-Snowflake-Authorization-Token-Type',
    },
  },
})
