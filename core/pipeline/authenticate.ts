import { type Exchange, type Step, sessionOf } from './exchange.ts'

/**
 * Runs the vendor's authenticate with the operation's permission and keeps the principal it
 * returns. Needs the session (store, clock, auth setting) and the body (SWR signs it). A proxied
 * vendor's upstream checks the caller's credentials itself (an adapter that vouches for a
 * request, as SWR's re-signing does, calls {@link authenticateCaller} first).
 */
export const authenticate: Step = async (exchange) => {
  if (exchange.runtime.proxy?.upstreams.has(exchange.vendor.name)) return
  await authenticateCaller(exchange)
}

/**
 * The vendor's own check of the caller's credentials, exactly as when the mock answers itself
 * (the session's auth setting included); throws the vendor's refusal.
 */
export async function authenticateCaller(exchange: Exchange): Promise<void> {
  const { vendor, operation } = exchange
  if (!operation || operation.auth === false || !vendor.authenticate) return
  const session = sessionOf(exchange)
  exchange.principal = await vendor.authenticate({
    request: exchange.request,
    url: exchange.url,
    bodyText: exchange.bodyText,
    bodyBytes: exchange.bodyBytes,
    store: session.store(vendor),
    clock: session.clock,
    operation: { id: operation.id, permission: operation.permission },
    enforce: session.auth,
  })
}
