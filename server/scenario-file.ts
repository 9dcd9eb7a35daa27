import path from 'node:path'
import { z } from 'zod'
import {
  FaultEngine,
  type FaultRuleInput,
  faultRuleSchema,
  withoutCounters,
} from '../core/faults.ts'
import type { Scenario } from '../core/scenario.ts'
import { type CollectionMap, importCollections, StateRecordError } from '../core/state.ts'
import type { AnyVendor } from '../core/vendor.ts'
import { problemAt, readDataFile } from './document.ts'

/**
 * A scenario file: the document `GET /__mock/state` writes (so "export, edit, start" works), in
 * JSON or YAML. Every member is optional; `version`, `scenario` and `seed` as exported are
 * accepted (a hand-written file may also carry `description`). `clock` is ms since the epoch or
 * an ISO-8601 date-time; `faults` are fault rules (counters in an exported file are ignored: a
 * scenario starts them at zero); `stores` maps vendor → collection → records, each checked
 * against its collection's schema. Vendors left out start empty.
 */
export const scenarioDocumentSchema = z
  .object({
    version: z.literal(1, { error: 'this version of image-registry-mock reads version 1' }),
    scenario: z.string(),
    description: z.string(),
    seed: z.number().int().min(0).max(0xffffffff),
    clock: z.union([z.number().int().min(0), z.iso.datetime({ offset: true })]),
    faults: z.array(z.record(z.string(), z.unknown())),
    stores: z.record(z.string(), z.record(z.string(), z.array(z.unknown()))),
  })
  .partial()
  .strict()

/** A scenario file, checked and ready to seed sessions. */
export interface ScenarioFile {
  scenario: Scenario
  /** The seed the file was exported with, if it says. */
  seed?: number
}

/** Whether a `--scenario` value names a file rather than a built-in scenario. */
export function isScenarioFile(value: string): boolean {
  return /[\\/]/.test(value) || /\.(json|ya?ml)$/i.test(value)
}

/**
 * Reads and checks a scenario file; throws a `DataFileError` naming the file and the JSON path
 * of the first problem (`team.yaml: stores.snowflake.repositories[3].name: …`). The scenario is
 * named after the file (`team.yaml` → `team`), unless that name is taken.
 */
export async function loadScenarioFile(
  file: string,
  vendors: readonly AnyVendor[],
  takenNames: readonly string[],
): Promise<ScenarioFile> {
  const raw = await readDataFile(file)
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw problemAt(file, [], 'must be an object, as GET /__mock/state returns it')
  }
  const parsed = scenarioDocumentSchema.safeParse(raw)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!
    throw problemAt(file, issue.path, issue.message)
  }
  const document = parsed.data
  const byName = new Map(vendors.map((v) => [v.name, v]))
  const stores = Object.entries(document.stores ?? {})
  for (const [name, data] of stores) {
    const vendor = byName.get(name)
    if (!vendor) {
      throw problemAt(
        file,
        ['stores', name],
        `unknown vendor; use ${[...byName.keys()].join(', ')}`,
      )
    }
    // A dry run into a throw-away store: the records' own schemas decide, before any session.
    await importInto(file, vendor, vendor.createStore() as CollectionMap, data)
  }
  const faults = (document.faults ?? []).map(withoutCounters)
  const operationIds = vendors.flatMap((v) => v.operations.map((op) => `${v.name}.${op.id}`))
  const engine = new FaultEngine(0, () => operationIds)
  for (const [i, rule] of faults.entries()) {
    const checked = faultRuleSchema().safeParse(rule)
    if (!checked.success) {
      const issue = checked.error.issues[0]!
      throw problemAt(file, ['faults', i, ...issue.path], issue.message)
    }
    try {
      engine.add(rule)
    } catch (error) {
      throw problemAt(file, ['faults', i], (error as Error).message)
    }
  }
  const clock =
    typeof document.clock === 'string' ? Date.parse(document.clock) : (document.clock ?? undefined)
  const base = path.basename(file).replace(/\.(json|ya?ml)$/i, '') || 'file'
  const name = takenNames.includes(base) ? `${base}-file` : base
  const scenario: Scenario = {
    name,
    description: document.description ?? `loaded from ${path.basename(file)}`,
    faults: faults as FaultRuleInput[],
    async seed(world) {
      for (const [vendorName, data] of stores) {
        const vendor = byName.get(vendorName)!
        await world.seed(vendor, async ({ store, clock: sessionClock }) => {
          if (clock !== undefined) sessionClock.set(clock)
          // Each session gets its own copy: records must never be shared between sessions.
          await importInto(file, vendor, store as CollectionMap, structuredClone(data))
        })
      }
      if (clock !== undefined && stores.length === 0) {
        const [first] = vendors
        if (first) await world.seed(first, async (ctx) => ctx.clock.set(clock))
      }
    },
  }
  return document.seed === undefined ? { scenario } : { scenario, seed: document.seed }
}

async function importInto(
  file: string,
  vendor: AnyVendor,
  store: CollectionMap,
  data: unknown,
): Promise<void> {
  try {
    await importCollections(store, data, vendor.name)
  } catch (error) {
    if (error instanceof StateRecordError)
      throw problemAt(file, ['stores', ...error.path], error.reason)
    throw error
  }
}
