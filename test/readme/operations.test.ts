/**
 * The README's table of operations is the served operation list, row for row: an operation added
 * (or renamed, or moved) without its documentation fails here, and the failure shows the table.
 */
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { vendors } from '../../handlers/index.ts'

const README = readFileSync(path.resolve(import.meta.dirname, '../../README.md'), 'utf8')
const START = '<!-- operations:start -->'
const END = '<!-- operations:end -->'

/** The table as the README must hold it, in the order GET /__mock/health lists operations. */
function expectedTable(): string {
  const rows = vendors.flatMap((vendor) =>
    vendor.operations.map(
      (op) => `| ${vendor.title} | \`${op.method} ${op.path}\` | \`${vendor.name}.${op.id}\` |`,
    ),
  )
  return ['| vendor | method and path | operation id |', '| --- | --- | --- |', ...rows].join('\n')
}

describe('the README', () => {
  it('lists every operation the mock serves, by method, path and id', () => {
    const start = README.indexOf(START)
    const end = README.indexOf(END)
    expect(start, `the README has a ${START} … ${END} block`).toBeGreaterThan(-1)
    expect(README.slice(start + START.length, end).trim()).toBe(expectedTable())
  })
})
