import type { BuiltMock, MockState } from './mock.ts'
import { createRandom, hashSeed } from './random.ts'

/**
 * Rebuilds one session of `mock` from a saved export (`exportState()`, `GET /__mock/state`):
 * stores, fault rules with their counters (as `importState` keeps them), clock, scenario and seed. Random streams continue from
 * a point derived from the saved clock, so ids minted after a restart do not repeat those minted
 * before it. Used by the standalone server's `--state` file and the browser's `persist` option.
 * Throws what `importState` throws (an `InputError`: a `StateRecordError` for a bad record, a
 * `FaultRuleError` for a bad rule); the session is then left as it was.
 */
export async function restoreSession(
  mock: BuiltMock,
  name: string,
  saved: MockState,
): Promise<void> {
  const face = mock.session(name)
  await face.ready
  await face.importState(saved)
  const session = face.raw
  if (mock.scenarios.has(saved.scenario)) session.scenario = saved.scenario
  if (Number.isInteger(saved.seed)) session.seed = saved.seed
  const at = session.clock.now()
  session.random = createRandom(hashSeed(session.seed, 'model', name, 'restored', at))
  session.requestIds = createRandom(hashSeed(session.seed, 'request-ids', name, 'restored', at))
}
