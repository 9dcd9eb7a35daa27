import { describe, expect, it } from 'vitest'
import { joinArray, RecordJson } from '../../core/record-json.ts'

type Row = { name: string; n: number; tags: string[]; note?: string }

describe('RecordJson', () => {
  const rows: Row[] = [
    { name: 'plain', n: 1, tags: [] },
    { name: 'quotes " and \\ and \u2028', n: -0.5, tags: ['a', 'é', '😀'], note: undefined },
    { name: '', n: 1e21, tags: ['x'], note: 'kept' },
  ]
  const wire = (row: Row) => ({ name: row.name.toUpperCase(), n: row.n, tags: [...row.tags] })

  it('serializes a list exactly as JSON.stringify of its wire shapes, empty lists too', () => {
    const json = new RecordJson(wire)
    expect(json.array(rows)).toBe(JSON.stringify(rows.map(wire)))
    expect(json.array(rows)).toBe(JSON.stringify(rows.map(wire)))
    expect(json.array([])).toBe('[]')
    expect(json.of(rows[1] as Row)).toBe(JSON.stringify(wire(rows[1] as Row)))
    expect(joinArray(['{}', '[1]'], (text) => text)).toBe('[{},[1]]')
  })

  it('builds each record once, and a new record object (an update) anew', () => {
    let built = 0
    const json = new RecordJson((row: Row) => {
      built++
      return wire(row)
    })
    json.array(rows)
    json.array(rows)
    expect(built).toBe(rows.length)
    const updated = { ...(rows[0] as Row), name: 'renamed' }
    expect(json.array([updated, ...rows.slice(1)])).toBe(
      JSON.stringify([updated, ...rows.slice(1)].map(wire)),
    )
    expect(built).toBe(rows.length + 1)
  })

  it('keeps about 1 MB of JSON at most, answering the same past it', () => {
    let built = 0
    const json = new RecordJson((row: Row) => {
      built++
      return row
    })
    // 300 records of ~10,000 characters: three times the bound.
    const big = Array.from({ length: 300 }, (_, i) => ({
      name: `${i}`.repeat(10_000),
      n: i,
      tags: [],
    }))
    expect(json.array(big)).toBe(JSON.stringify(big))
    expect(built).toBe(300)
    expect(json.array(big)).toBe(JSON.stringify(big))
    // The first records were let go: only the most recent ~1 MB is kept.
    expect(built).toBeGreaterThan(300)
    const before = built
    json.of(big[299] as Row)
    expect(built, 'the latest record is still kept').toBe(before)
  })
})
