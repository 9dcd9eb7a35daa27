import { getResponse } from 'msw'
import { expect } from 'vitest'
import { createMock, type Mock } from '../../index.ts'

/**
 * The body a mock that never answered before gives to `GET path` with `headers`, after `change`:
 * nothing is cached in it yet, so it is what any answer after the same change must equal.
 */
export async function freshAnswer(
  path: string,
  headers: Record<string, string>,
  change: (mock: Mock) => Promise<void>,
): Promise<string> {
  const mock = createMock()
  await mock.ready
  await change(mock)
  const response = await getResponse(
    mock.handlers,
    new Request(`http://fresh.test${path}`, { headers }),
  )
  expect(response?.status, `the fresh mock answers ${path}`).toBe(200)
  return (await response?.text()) ?? ''
}
