import { FOLDING_ROUTING } from '../../core/path-pattern.ts'
import { defineVendor, type OperationNameOf } from '../../core/vendor.ts'
import { authenticateCycle, cyclePrincipalName } from './auth.ts'
import { invalidCycleQuery, renderCycleError } from './errors.ts'
import { imageSourceOperations } from './image-sources.ts'
import { jobOperations } from './jobs.ts'
import { errorEnvelopeSchema } from './records.ts'
import { createCycleStore } from './store.ts'

export { CycleError } from './errors.ts'
export type { CycleStore } from './store.ts'

/** Cycle.io platform API: image sources and the jobs their deletion starts. */
export const cycle = defineVendor({
  name: 'cycle',
  title: 'Cycle.io',
  pathPrefixes: ['/v1/images/sources', '/v1/jobs'],
  /**
   * @note Cycle's API sits behind its own router, whose handling of a trailing slash is not
   * published; the mock keeps folding `/x/` onto `/x` (its own clients never send one) and answers
   * an empty segment with `404.uri`.
   */
  routing: FOLDING_ROUTING,
  requestIdHeader: 'X-Request-Id',
  createRequestId: (random) => random.hex(32),
  createStore: createCycleStore,
  operations: [...imageSourceOperations, ...jobOperations],
  renderError: renderCycleError,
  /**
   * No rate-limit headers: its throttling answer carries `Retry-After` alone.
   * @note Cycle publishes none: its OpenAPI contract names the `429.rate-limiting` error code and
   * declares no response headers anywhere.
   */
  throttleHeaders: () => ({}),
  invalidQuery: invalidCycleQuery,
  authenticate: authenticateCycle,
  principalName: cyclePrincipalName,
  errorSchema: errorEnvelopeSchema,
  securityRequirement: 'all',
  securitySchemes: {
    bearerAuth: {
      type: 'http',
      scheme: 'bearer',
      description:
        'An API key secret; the scenario’s keys carry capabilities, other tokens may do all',
    },
    hubAuth: {
      type: 'apiKey',
      in: 'header',
      name: 'X-Hub-Id',
      description: 'The hub the request acts in (required with bearerAuth)',
    },
  },
})

/** Cycle's operation ids as its contract spells them; tables keyed by it must list every one. */
export type CycleOperationId = OperationNameOf<typeof cycle>
