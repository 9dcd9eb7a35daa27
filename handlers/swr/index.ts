import { defineVendor, type OperationNameOf } from '../../core/vendor.ts'
import { authenticateSwr, swrPrincipalName } from './auth.ts'
import { renderSwrError, swrThrottleHeaders } from './errors.ts'
import { swrErrorBodySchema } from './records.ts'
import { sharedRepositoryOperations } from './shared-repositories.ts'
import { createSwrStore } from './store.ts'

export { SWR_CODES, SwrError } from './errors.ts'
export type { SwrStore } from './store.ts'

/**
 * Huawei Cloud SWR: ListSharedReposDetails at `GET /v2/manage/shared-repositories`, with IAM-token
 * or AK/SK (`SDK-HMAC-SHA256`) authentication. Unknown paths under `/v2/manage` get SWR's 404/405.
 */
export const swr = defineVendor({
  name: 'swr',
  title: 'Huawei Cloud SWR',
  pathPrefixes: ['/v2/manage'],
  /**
   * @note SWR is published through Huawei's API gateway, whose routes use absolute matching ("the
   * request path must be the same as the configured path", APIG docs, API matching modes): a
   * trailing slash or an empty segment is another path, answered `APIG.0101`.
   */
  routing: { trailingSlash: 'strict', emptySegments: 'unrouted' },
  requestIdHeader: 'X-Request-Id',
  // Huawei request ids are 32 lower-case hex digits.
  createRequestId: (random) => random.hex(32),
  createStore: createSwrStore,
  operations: sharedRepositoryOperations,
  renderError: renderSwrError,
  throttleHeaders: swrThrottleHeaders,
  errorSchema: swrErrorBodySchema,
  securitySchemes: {
    IamToken: {
      type: 'apiKey',
      in: 'header',
      name: 'X-Auth-Token',
      description: 'An IAM token; the mock accepts any non-empty one.',
    },
    AkSkSignature: {
      type: 'apiKey',
      in: 'header',
      name: 'Authorization',
      description:
        'SDK-HMAC-SHA256 Access={AK}, SignedHeaders={names}, Signature={hex}, with X-Sdk-Date. The default scenario knows AK MOCKACCESSKEYID0000 with SK mock-secret-access-key.',
    },
  },
  authenticate: authenticateSwr,
  principalName: swrPrincipalName,
})

/** Swr's operation ids as its contract spells them; tables keyed by it must list every one. */
export type SwrOperationId = OperationNameOf<typeof swr>
