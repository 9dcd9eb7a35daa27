import type { ProxyAdapters } from '../core/proxy/types.ts'
import { cycleProxy } from './cycle/ingest.ts'
import { rhacsProxy } from './rhacs/ingest.ts'
import { snowflakeProxy } from './snowflake/ingest.ts'
import { swrProxy } from './swr/ingest.ts'

/** Each vendor's proxy adapter: how its answers are recorded, streamed and re-signed. */
export const proxyAdapters: ProxyAdapters = {
  snowflake: snowflakeProxy,
  rhacs: rhacsProxy,
  swr: swrProxy,
  cycle: cycleProxy,
}
