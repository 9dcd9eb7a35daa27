import { readBodyText } from '../body.ts'
import type { Step } from './exchange.ts'

/** Reads the body as text within the size limit (413 past it). Needs nothing before it. */
export const readBody: Step = async (exchange) => {
  exchange.bodyText = await readBodyText(exchange.request, exchange.runtime.maxBodyBytes)
}
