import { z } from 'zod'

/** Body of `POST /__mock/reset`. */
export const resetSchema = z
  .object({
    scenario: z.string().optional(),
    seed: z.number().int().min(0).max(0xffffffff).optional(),
  })
  .strict()

/** Body of `POST /__mock/clock`: advance by some ms, or jump to an instant. */
export const clockSchema = z.union([
  z
    .object({
      advanceMs: z
        .number()
        .int()
        .min(0)
        .max(10 * 365 * 86_400_000),
    })
    .strict(),
  z
    .object({ now: z.union([z.string().datetime({ offset: true }), z.number().int().min(0)]) })
    .strict(),
])
