import { z } from 'zod'
import { lazy } from './lazy.ts'
import type { Random } from './random.ts'

/** A fault rule's `delayMs`: whole ms or a distribution, and how a request draws one. */

/** The longest latency one request can get from fault rules together, ms. */
export const MAX_FAULT_DELAY_MS = 300_000

/**
 * A latency: whole ms, or a distribution drawn per request from the rule's seeded stream (so the
 * same seed gives the same delays): `uniform` between `min` and `max`, or `lognormal` around
 * `median` with the log's standard deviation `sigma` (a long tail, as real services show), cut at
 * `max`.
 */
export const delaySchema = lazy(() => {
  const wholeMs = z.number().int().min(0).max(MAX_FAULT_DELAY_MS)
  return z.union([
    wholeMs,
    z.discriminatedUnion(
      'distribution',
      [
        z
          .object({ distribution: z.literal('uniform'), min: wholeMs, max: wholeMs })
          .strict()
          .refine((d) => d.min <= d.max, { message: 'min must not exceed max', path: ['min'] }),
        z
          .object({
            distribution: z.literal('lognormal'),
            median: wholeMs,
            sigma: z.number().min(0).max(10),
            max: wholeMs,
          })
          .strict()
          .refine((d) => d.median <= d.max, {
            message: 'median must not exceed max',
            path: ['median'],
          }),
      ],
      {
        error: (issue) => {
          const given = (issue.input as { distribution?: unknown } | undefined)?.distribution
          return `unknown distribution ${JSON.stringify(given) ?? '(none)'}; use uniform or lognormal`
        },
      },
    ),
  ])
})

/** A rule's latency as written: whole ms or a distribution. */
export type FaultDelay = z.output<ReturnType<typeof delaySchema>>

/** Draws one delay from `delay`, ms; a distribution takes one or two draws from `random`. */
export function drawDelay(delay: FaultDelay, random: Random): number {
  if (typeof delay === 'number') return delay
  if (delay.distribution === 'uniform') return random.int(delay.min, delay.max)
  // Box-Muller: one standard normal from two uniforms (1 - next() is never 0).
  const normal = Math.sqrt(-2 * Math.log(1 - random.next())) * Math.cos(2 * Math.PI * random.next())
  return Math.min(delay.max, Math.round(delay.median * Math.exp(delay.sigma * normal)))
}
