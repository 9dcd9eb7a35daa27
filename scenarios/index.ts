import type { Scenario } from '../core/scenario.ts'
import { defaultScenario } from './default.ts'
import { emptyScenario } from './empty.ts'

/** Every scenario a session can start from, by name. */
export const scenarios: readonly Scenario[] = [defaultScenario, emptyScenario]
