import { afterEach, describe, expect, it } from 'vitest'
import { type NodeMock, startMock } from '../../node.ts'

const URL_ =
  'https://myorg-myaccount.snowflakecomputing.com/api/v2/databases/ml_platform/schemas/images/image-repositories'
const started: NodeMock[] = []
afterEach(() => {
  for (const mock of started.splice(0)) mock.close()
})

describe('startMock() in one process', () => {
  it('refuses a second one while the first intercepts, saying how to share it', async () => {
    const first = await startMock({ seed: 1 })
    started.push(first)
    const second = startMock({ seed: 2 })
    await expect(second).rejects.toThrow(
      /already intercepting in this process.*Share that one.*mock\.session\('name'\).*close\(\) on it before starting another/,
    )
    // The first keeps intercepting, and journals each request once.
    const response = await fetch(URL_, { headers: { Authorization: 'Bearer t' } })
    expect(response.status).toBe(200)
    expect(first.journal.find({ operation: 'snowflake.listImageRepositories' })).toHaveLength(1)
  })

  it('starts another once the first is closed, and closing twice is harmless', async () => {
    const first = await startMock()
    first.close()
    first.close()
    const next = await startMock({ scenario: 'empty' })
    started.push(next)
    const response = await fetch(URL_, { headers: { Authorization: 'Bearer t' } })
    expect(await response.json()).toEqual([])
    expect(next.journal.size).toBe(1)
    expect(first.journal.size).toBe(0)
  })

  it('rejects bad options without holding the slot', async () => {
    await expect(startMock({ scenario: 'nope' })).rejects.toThrow(/unknown scenario "nope"/)
    started.push(await startMock())
  })
})
