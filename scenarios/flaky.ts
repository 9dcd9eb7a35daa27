import { builtInScenario, type Scenario } from '../core/scenario.ts'
import { defaultScenario } from './default.ts'

/**
 * The default data with faults preset for retry demos: a Snowflake list that fails twice with 503
 * before it works, creates throttled every third time, Cycle lists throttled every fourth time,
 * SWR lists failing one time in five, slow RHACS lists and Snowflake fetches, and a few dropped
 * connections.
 * Inspect or change them with GET/POST/DELETE /__mock/faults.
 */
export const flakyScenario: Scenario = builtInScenario({
  name: 'flaky',
  description:
    'Default data with preset faults: 503 twice then success, every 3rd create 429, slow reads, dropped connections',
  seed: defaultScenario.seed,
  faults: [
    {
      id: 'list-503-twice',
      match: { operation: 'snowflake.listImageRepositories' },
      effect: { status: 503, retryAfter: 1 },
      times: 2,
    },
    {
      id: 'create-429-every-3rd',
      match: { operation: '*.create*' },
      effect: { status: 429, retryAfter: 2 },
      every: 3,
    },
    {
      id: 'rhacs-list-slow',
      match: { operation: 'rhacs.ImageService_ListImages' },
      effect: { delayMs: 600 },
    },
    { id: 'slow-fetch', match: { operation: 'snowflake.fetch*' }, effect: { delayMs: 400 } },
    {
      id: 'cycle-list-429-every-4th',
      match: { operation: 'cycle.getImageSources' },
      effect: { status: 429, retryAfter: 1 },
      every: 4,
    },
    {
      // Huawei's API gateway has no 503; an unreachable backend is its 502.
      id: 'swr-list-502-20pct',
      match: { operation: 'swr.ListSharedReposDetails' },
      effect: { status: 502, retryAfter: 1 },
      probability: 0.2,
      seed: 7,
    },
    {
      id: 'images-reset-10pct',
      match: { operation: 'snowflake.listImagesInRepository' },
      effect: { network: 'reset' },
      probability: 0.1,
      seed: 42,
    },
  ],
})
