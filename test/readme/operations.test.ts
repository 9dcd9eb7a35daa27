/**
 * The README's tables of operations are the served operation list, row for row: an operation
 * added (or renamed, or moved) without its documentation fails here, and the failure shows the rows.
 */
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { vendors } from '../../handlers/index.ts'

const README = readFileSync(path.resolve(import.meta.dirname, '../../README.md'), 'utf8')
const START = '<!-- operations:start -->'
const END = '<!-- operations:end -->'

/** Each table row's cells, trimmed (the formatter pads them), under the vendor heading above it. */
function documentedRows(block: string): string[] {
  const rows: string[] = []
  let vendor = ''
  for (const line of block.split('\n')) {
    const heading = /^\*\*(.+)\*\*$/.exec(line.trim())
    if (heading) vendor = heading[1] as string
    if (!line.startsWith('|') || /^\|[\s-|]+\|$/.test(line)) continue
    const cells = line
      .split('|')
      .slice(1, -1)
      .map((cell) => cell.trim())
    if (cells[0] === 'method and path') continue
    rows.push([vendor, ...cells].join(' | '))
  }
  return rows
}

describe('the README', () => {
  it('lists every operation the mock serves, by vendor, method, path and id', () => {
    const start = README.indexOf(START)
    const end = README.indexOf(END)
    expect(start, `the README has a ${START} … ${END} block`).toBeGreaterThan(-1)
    const expected = vendors.flatMap((vendor) =>
      vendor.operations.map(
        (op) => `${vendor.title} | \`${op.method} ${op.path}\` | \`${vendor.name}.${op.id}\``,
      ),
    )
    expect(documentedRows(README.slice(start + START.length, end))).toEqual(expected)
  })
})
