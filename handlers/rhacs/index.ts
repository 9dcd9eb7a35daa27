import { defineVendor, type OperationNameOf } from '../../core/vendor.ts'
import { authenticateRhacs, rhacsPrincipalName } from './auth.ts'
import { renderRhacsError } from './errors.ts'
import { imageOperations } from './images.ts'
import { canonicalQueryKey, protojsonMessage } from './query.ts'
import { rhacsErrorWireSchema } from './records.ts'
import { createRhacsStore } from './store.ts'

export { RhacsError } from './errors.ts'
export type { RhacsStore } from './store.ts'

/** Red Hat Advanced Cluster Security (StackRox Central) v1 ImageService. */
export const rhacs = defineVendor({
  name: 'rhacs',
  title: 'Red Hat Advanced Cluster Security',
  pathPrefixes: ['/v1/images', '/v1/imagescount', '/v1/export/images', '/v1/watchedimages'],
  /**
   * @note Central serves REST through Go's `http.ServeMux` (which answers a path with `//` with a
   * 301 to the cleaned path) in front of grpc-gateway (which matches segment by segment: a
   * trailing slash is an empty last segment, so `/v1/imagescount/` is no route and
   * `/v1/images/` is GetImage with an empty id), pkg/grpc/server.go and runtime/mux.go.
   */
  routing: { trailingSlash: 'strict', emptySegments: 'redirect' },
  requestIdHeader: 'X-Request-Id',
  createRequestId: (random) => random.hex(32),
  createStore: createRhacsStore,
  operations: imageOperations,
  renderError: renderRhacsError,
  /**
   * No rate-limit headers: its throttling answer carries `Retry-After` alone.
   * @note Central publishes none: its API rate limiter (stackrox `pkg/grpc/ratelimit`,
   * `GetHTTPInterceptor`) answers a refused HTTP call with a bare 429 and no headers, and the
   * gRPC path with `ResourceExhausted`; the Swagger contract declares no headers.
   */
  throttleHeaders: () => ({}),
  queryKey: canonicalQueryKey,
  requestMessage: protojsonMessage,
  errorSchema: rhacsErrorWireSchema,
  securitySchemes: {
    bearer: {
      type: 'http',
      scheme: 'bearer',
      description: 'A Central API token; any token is Admin unless the scenario lists it',
    },
    basic: {
      type: 'http',
      scheme: 'basic',
      description: 'Central basic auth: the one user `admin` with the scenario’s password',
    },
  },
  authenticate: authenticateRhacs,
  principalName: rhacsPrincipalName,
})

/** Rhacs's operation ids as its contract spells them; tables keyed by it must list every one. */
export type RhacsOperationId = OperationNameOf<typeof rhacs>
