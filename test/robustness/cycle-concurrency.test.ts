import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { CYCLE_HUBS } from '../../fixtures/cycle.ts'
import { expectCycleShape } from '../cycle/contract.ts'
import { type Harness, startHarness, TRANSPORTS } from '../support/harness.ts'

const SOURCES = '/v1/images/sources'
const AUTH = { Authorization: 'Bearer concurrency', 'X-Hub-Id': CYCLE_HUBS.main.id }
const CREATES = 1_000
const IDENTIFIER = 'concurrent-source'
const BODY = JSON.stringify({
  name: 'Concurrent Source',
  identifier: IDENTIFIER,
  type: 'direct',
  origin: { type: 'docker-hub', details: { target: 'nginx:1.27' } },
})
const BY_IDENTIFIER = `${SOURCES}?filter[identifier]=${IDENTIFIER}&page[size]=100`

interface SourcePage {
  data: Array<{ id: string; identifier: string }>
}

/*
 * Cycle identifiers are not unique: the contract's `Identifier` schema says "The identifier does
 * not have to be unique", and `filter[identifier]` "May return multiple results". So 1,000
 * concurrent creates with one identifier must all succeed, with 1,000 distinct IDs, and every
 * list (during and after) must be consistent: no duplicates, nothing lost.
 */
describe.each(TRANSPORTS)(
  'Cycle under 1,000 concurrent creates of one identifier (%s)',
  (transport) => {
    let h: Harness
    beforeEach(async () => {
      h = await startHarness(transport)
    })
    afterEach(() => h.close())

    const list = async (path: string): Promise<SourcePage> => {
      const response = await h.fetch(path, { headers: AUTH })
      const body = await response.json()
      expect(response.status, JSON.stringify(body).slice(0, 300)).toBe(200)
      expectCycleShape('getImageSources', body)
      return body as SourcePage
    }

    it('creates every one with its own ID, and lists each exactly once', async () => {
      // given 1,000 creates of one identifier, with lists of that identifier racing them
      const creates = Array.from({ length: CREATES }, () =>
        h.fetch(SOURCES, {
          method: 'POST',
          headers: { ...AUTH, 'Content-Type': 'application/json' },
          body: BODY,
        }),
      )
      const racingLists = Array.from({ length: 20 }, () => list(BY_IDENTIFIER))

      // when they all answer
      const responses = await Promise.all(creates)
      const created = await Promise.all(
        responses.map(async (response) => {
          const body = await response.json()
          expect(response.status, JSON.stringify(body).slice(0, 300)).toBe(201)
          expectCycleShape('createImageSource', body)
          return { id: body.data.id as string, requestId: response.headers.get('x-request-id') }
        }),
      )

      // then every create succeeded with a distinct ID and request id
      const ids = new Set(created.map((c) => c.id))
      expect(ids.size, 'one ID per create').toBe(CREATES)
      expect(new Set(created.map((c) => c.requestId)).size, 'one request id per create').toBe(
        CREATES,
      )

      // and each racing list saw a consistent page: no duplicates, only sources that were created
      for (const page of await Promise.all(racingLists)) {
        const seen = page.data.map((s) => s.id)
        expect(new Set(seen).size, 'no source twice in one page').toBe(seen.length)
        for (const id of seen) expect(ids.has(id), `listed ${id} was created`).toBe(true)
      }

      // and paging through the identifier afterwards lists every source exactly once, newest first
      const listed: string[] = []
      for (let number = 1; number <= CREATES / 100 + 1; number++) {
        const page = await list(`${BY_IDENTIFIER}&page[number]=${number}`)
        expect(page.data.length, `page ${number}`).toBe(number <= CREATES / 100 ? 100 : 0)
        for (const source of page.data) expect(source.identifier).toBe(IDENTIFIER)
        listed.push(...page.data.map((s) => s.id))
      }
      expect(new Set(listed).size, 'no source on two pages').toBe(CREATES)
      expect([...listed].sort().reverse(), 'the default order is by ID, newest first').toEqual(
        listed,
      )
      expect(new Set(listed)).toEqual(ids)

      // and the store holds exactly those sources
      const stored = h.mock.db.cycle.sources.all().filter((s) => s.identifier === IDENTIFIER)
      expect(new Set(stored.map((s) => s.id))).toEqual(ids)
    }, 120_000)
  },
)
