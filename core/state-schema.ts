import { z } from 'zod'
import { InputError } from './errors.ts'
import { withoutCounters } from './fault-rule.ts'
import type { FaultRule, FaultRuleInput, QuotaUsage } from './faults.ts'
import { issueMessages } from './reset-options.ts'

/**
 * The string types a mock's API takes. The core leaves them `string`; the library narrows them to
 * its operation ids and globs and its vendor names, so misspelt ones are compile errors.
 */
export interface ApiStrings {
  /** `match.operation` of fault rules. */
  pattern: string
  /** `operation` of journal queries and matchers (also `<vendor>.unmatched`). */
  journalPattern: string
  /** `vendor` of journal queries. */
  vendor: string
}

/** A session's exported state: enough to rebuild it elsewhere. */
export interface MockState<T extends ApiStrings = ApiStrings> {
  version: 1
  scenario: string
  seed: number
  /** The session clock, ms since the epoch. */
  clock: number
  faults: FaultRule<T['pattern']>[]
  /** Records by vendor, then by collection. */
  stores: Record<string, Record<string, unknown[]>>
}

/**
 * What `importState` takes: a {@link MockState} as `exportState()` or `GET /__mock/state` gives
 * it; fault counters (`matched`, `fired`, `quotaUsage`) are optional (left out, they start at 0)
 * and kept when given, and vendors left out keep their stores.
 */
export interface MockStateInput<T extends ApiStrings = ApiStrings> {
  version?: 1
  scenario?: string
  seed?: number
  clock?: number
  faults?: Array<
    FaultRuleInput<T['pattern']> & { matched?: number; fired?: number; quotaUsage?: QuotaUsage }
  >
  stores: Record<string, Record<string, unknown[]>>
}

/** A state document's parts that an import uses, checked in outline (records and rules later). */
export interface ParsedState {
  /** Each vendor's collections, unchecked: its store's schemas check them. */
  stores: Record<string, unknown>
  /** The rules without their counters, unchecked: the fault engine checks them. */
  faults: unknown[]
  /** Each rule's counters (checked), by its index in `faults`. */
  counters: RuleCounters[]
  clock?: number
}

/** A rule's counters as a state document carries them. */
export interface RuleCounters {
  matched: number
  fired: number
  quotaUsage?: QuotaUsage
}

const count = z
  .number({ error: 'must be a whole number ≥ 0' })
  .int({ error: 'must be a whole number ≥ 0' })
  .min(0, { error: 'must be a whole number ≥ 0' })
  .max(Number.MAX_SAFE_INTEGER, { error: 'must be a whole number ≥ 0' })

/** The counters of a stored rule (the rule's other fields are the fault engine's to check). */
const countersSchema = z.object({
  matched: count.default(0),
  fired: count.default(0),
  quotaUsage: z
    .strictObject(
      {
        windowStart: z.iso.datetime({ error: 'must be an ISO-8601 instant (…Z)' }),
        counts: z.record(z.string(), count, { error: 'must be an object of counts by key' }),
      },
      { error: 'must be an object with windowStart and counts' },
    )
    .optional(),
})

const isObject = (value: unknown): value is object =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

const seedError = (issue: { input?: unknown }) =>
  `state.seed must be a whole number; got ${JSON.stringify(issue.input)}`

/**
 * Checks the outline of a state document for `importState` and `PUT /__mock/state`: its fields'
 * types and vendor names. `version`, `scenario` and `seed` are not used on import, but a document
 * that states them wrongly is not what `exportState` wrote.
 * @throws InputError saying what is wrong, every problem at once
 */
export function stateParser(vendors: readonly string[]): (state: unknown) => ParsedState {
  const schema = z.object(
    {
      version: z
        .literal(1, {
          error: (issue) =>
            `state.version must be 1 (this version's format); got ${JSON.stringify(issue.input)}`,
        })
        .optional(),
      scenario: z.string({ error: 'state.scenario must be a scenario name (a string)' }).optional(),
      seed: z
        .number({ error: seedError })
        .int({ error: seedError })
        .min(0, { error: seedError })
        .optional(),
      // Taken as it is, not copied: a copy would make a vendor named `__proto__` a prototype.
      stores: z.custom<Record<string, unknown>>(isObject, {
        error: 'state.stores must be an object keyed by vendor',
      }),
      faults: z
        .array(z.unknown(), { error: 'state.faults must be an array of fault rules' })
        .default([]),
      clock: z.number({ error: 'state.clock must be a number of ms since the epoch' }).optional(),
    },
    { error: 'state must be a JSON object as GET /__mock/state returns it' },
  )
  return (state) => {
    if (isObject(state) && typeof (state as { then?: unknown }).then === 'function') {
      throw new InputError(
        'state is a Promise: exportState() is async, so pass `await mock.exportState()`',
      )
    }
    const parsed = schema.safeParse(state)
    if (!parsed.success) throw new InputError(issueMessages(parsed.error))
    const { stores, faults, clock } = parsed.data
    const counters: RuleCounters[] = []
    const problems: string[] = []
    for (const [i, rule] of faults.entries()) {
      if (!isObject(rule)) {
        counters.push({ matched: 0, fired: 0 })
        continue
      }
      const { matched, fired, quotaUsage } = rule as Record<string, unknown>
      const checked = countersSchema.safeParse({ matched, fired, quotaUsage })
      if (checked.success) {
        const { quotaUsage: usage, ...rest } = checked.data
        counters.push(usage ? { ...rest, quotaUsage: usage } : rest)
      } else {
        for (const issue of checked.error.issues) {
          const path = issue.path.map((key) => `.${String(key)}`).join('')
          problems.push(`state.faults[${i}]${path}: ${issue.message}`)
        }
      }
    }
    if (problems.length > 0) throw new InputError(problems.join('; '))
    const unknown = Object.keys(stores).filter((name) => !vendors.includes(name))
    if (unknown.length > 0) {
      throw new InputError(
        `state.stores names unknown vendors: ${unknown.join(', ')} (the vendors are ${vendors.join(', ')})`,
      )
    }
    return {
      stores,
      faults: faults.map((rule) => {
        return isObject(rule) ? withoutCounters(rule) : rule
      }),
      counters,
      ...(clock === undefined ? {} : { clock }),
    }
  }
}
