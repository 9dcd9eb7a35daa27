import { defineVendor } from '../../core/vendor.ts'

/** Huawei Cloud SWR (placeholder until the vendor lands; serves nothing). */
export const swr = defineVendor({
  name: 'swr',
  title: 'Huawei Cloud SWR',
  pathPrefixes: [],
  requestIdHeader: 'X-Request-Id',
  createRequestId: (random) => random.hex(32),
  createStore: () => ({}),
  operations: [],
  renderError: () => ({ status: 500, body: { message: 'not implemented' } }),
})
