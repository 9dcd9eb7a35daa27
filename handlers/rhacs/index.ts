import { defineVendor } from '../../core/vendor.ts'

/** Red Hat Advanced Cluster Security (placeholder until the vendor lands; serves nothing). */
export const rhacs = defineVendor({
  name: 'rhacs',
  title: 'Red Hat Advanced Cluster Security',
  pathPrefixes: [],
  requestIdHeader: 'X-Request-Id',
  createRequestId: (random) => random.hex(32),
  createStore: () => ({}),
  operations: [],
  renderError: () => ({ status: 500, body: { message: 'not implemented' } }),
})
