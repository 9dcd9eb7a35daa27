import type { Scenario } from '../core/scenario.ts'
import { defaultScenario } from './default.ts'
import { emptyScenario } from './empty.ts'
import { flakyScenario } from './flaky.ts'
import { largeScenario } from './large.ts'

/** Every scenario a session can start from, by name. */
export const scenarios: readonly Scenario[] = [
  defaultScenario,
  emptyScenario,
  largeScenario,
  flakyScenario,
]
