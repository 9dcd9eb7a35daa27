import { z } from 'zod'
import { seedSchema } from '../../core/reset-options.ts'

/**
 * Body of `POST /__mock/reset`, as the OpenAPI document gives it: the JSON form of `reset()`'s
 * options, which `reset()` itself checks (with the mock's scenario names).
 */
export const resetSchema = z.strictObject({
  scenario: z.string().optional(),
  seed: seedSchema.optional(),
})

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
