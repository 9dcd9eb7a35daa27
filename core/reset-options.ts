import { z } from 'zod'
import { InputError } from './errors.ts'
import type { Scenario } from './scenario.ts'

/** What `reset()` takes: the scenario (a name, or a scenario object as `createMock` takes) and seed. */
export interface ResetOptions {
  scenario?: string | Scenario
  seed?: number
}

/** A scenario and seed a session starts from. */
export interface Start {
  scenario: string
  seed: number
}

/** The seeds of every random stream: a 32-bit unsigned integer. */
export const MAX_SEED = 0xffffffff

const seedError = (issue: { input?: unknown }) =>
  `seed must be an integer from 0 to ${MAX_SEED}; got ${String(issue.input)}`

/** A seed as `createMock({ seed })`, `reset({ seed })` and `POST /__mock/reset` take it. */
export const seedSchema = z
  .number({ error: seedError })
  .int({ error: seedError })
  .min(0, { error: seedError })
  .max(MAX_SEED, { error: seedError })

/**
 * Checks `reset()` options (of the API and of `POST /__mock/reset`) against the scenarios of one
 * mock, and registers a scenario object given there (as in `createMock`, one of a known name
 * replaces it). Omitted fields keep `current`.
 * @throws InputError saying what is wrong, every problem at once
 */
export function resetOptionsParser(
  scenarios: Map<string, Scenario>,
): (input: unknown, current: Start) => Start {
  const scenarioName = z.string().refine((name) => scenarios.has(name), {
    error: (issue) =>
      `unknown scenario ${JSON.stringify(issue.input)}; known scenarios: ${[...scenarios.keys()].join(', ')}`,
  })
  const scenarioObject = z.custom<Scenario>(
    (value) =>
      typeof value === 'object' &&
      value !== null &&
      typeof (value as Scenario).name === 'string' &&
      typeof (value as Scenario).seed === 'function',
    { error: 'a scenario object needs a name and a seed(world) function' },
  )
  const schema = z.strictObject(
    {
      scenario: z
        .union([scenarioName, scenarioObject], {
          // A string is a name: say that it is unknown rather than that it is no object.
          error: (issue) =>
            typeof issue.input === 'string'
              ? undefined
              : typeof issue.input === 'object' && issue.input !== null
                ? 'a scenario object needs a name and a seed(world) function'
                : `scenario must be a scenario name or object; got ${JSON.stringify(issue.input)}`,
        })
        .optional(),
      seed: seedSchema.optional(),
    },
    {
      error: (issue) =>
        issue.code === 'unrecognized_keys'
          ? `reset options take scenario and seed; unknown: ${issue.keys.join(', ')}`
          : 'reset options must be an object such as { scenario: "empty", seed: 2 }',
    },
  )
  return (input, current) => {
    if (input === undefined) return { ...current }
    const parsed = schema.safeParse(input)
    if (!parsed.success) throw new InputError(issueMessages(parsed.error))
    const { scenario = current.scenario, seed = current.seed } = parsed.data
    if (typeof scenario === 'string') return { scenario, seed }
    scenarios.set(scenario.name, scenario)
    return { scenario: scenario.name, seed }
  }
}

/** A zod error whose issues each say their field: their messages, one after the other. */
export function issueMessages(error: z.ZodError): string {
  return error.issues.map((issue) => issue.message).join('; ')
}
