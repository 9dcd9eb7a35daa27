import { type Step, sessionOf } from './exchange.ts'

/**
 * Runs the vendor's authenticate with the operation's permission and keeps the principal it
 * returns. Needs the session (store, clock, auth setting) and the body (SWR signs it).
 */
export const authenticate: Step = async (exchange) => {
  const { vendor, operation } = exchange
  if (!operation || operation.auth === false || !vendor.authenticate) return
  // A proxied vendor's upstream checks the caller's credentials itself.
  if (exchange.runtime.proxy?.upstreams.has(vendor.name)) return
  const session = sessionOf(exchange)
  exchange.principal = await vendor.authenticate({
    request: exchange.request,
    url: exchange.url,
    bodyText: exchange.bodyText,
    store: session.store(vendor),
    clock: session.clock,
    operation: { id: operation.id, permission: operation.permission },
    enforce: session.auth,
  })
}
