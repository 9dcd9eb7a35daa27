import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import path from 'node:path'
import ts from 'typescript'
import { describe, expect, it } from 'vitest'

/**
 * The rules ARCHITECTURE.md states, checked over every TypeScript file git tracks (generated
 * files excepted), so a change that breaks one fails `npm test`.
 */
const ROOT = path.resolve(import.meta.dirname, '..')
const GENERATED = [/^test\/cycle\/generated\//]
const MAX_LINES = 700
/** The mock core stays small: one concept per file. */
const MAX_CORE_LINES = 400

const files = execFileSync('git', ['ls-files', '-co', '--exclude-standard', '*.ts', '*.mts'], {
  cwd: ROOT,
  encoding: 'utf8',
})
  .split('\n')
  .filter((file) => file !== '' && !GENERATED.some((pattern) => pattern.test(file)))
  .filter((file) => {
    try {
      readFileSync(path.join(ROOT, file))
      return true
    } catch {
      return false // deleted in the work tree
    }
  })

const source = new Map(files.map((file) => [file, readFileSync(path.join(ROOT, file), 'utf8')]))

/** Relative imports of a file (type-only ones included), resolved to repository paths. */
function importsOf(file: string): string[] {
  const { importedFiles } = ts.preProcessFile(source.get(file) ?? '', true, true)
  return importedFiles
    .map((entry) => entry.fileName)
    .filter((name) => name.startsWith('.'))
    .map((name) => path.posix.normalize(path.posix.join(path.posix.dirname(file), name)))
    .filter((resolved) => source.has(resolved))
}

describe('architecture', () => {
  it('has no import cycles among source files, type-only imports included', () => {
    const graph = new Map(files.map((file) => [file, importsOf(file)]))
    const cycles: string[] = []
    const state = new Map<string, 'open' | 'done'>()
    const stack: string[] = []
    const visit = (file: string): void => {
      state.set(file, 'open')
      stack.push(file)
      for (const next of graph.get(file) ?? []) {
        if (state.get(next) === 'open') {
          cycles.push([...stack.slice(stack.indexOf(next)), next].join(' → '))
        } else if (!state.has(next)) {
          visit(next)
        }
      }
      stack.pop()
      state.set(file, 'done')
    }
    for (const file of files) if (!state.has(file)) visit(file)
    expect(cycles, 'import cycles').toEqual([])
  })

  it(`has no hand-written source file over ${MAX_LINES} lines`, () => {
    const long = files
      .map((file) => [file, (source.get(file) ?? '').split('\n').length] as const)
      .filter(([, lines]) => lines > MAX_LINES)
      .map(([file, lines]) => `${file}: ${lines} lines`)
    expect(long).toEqual([])
  })

  it(`keeps every file under core/ at ${MAX_CORE_LINES} lines or fewer`, () => {
    const long = files
      .filter((file) => file.startsWith('core/'))
      .map((file) => [file, (source.get(file) ?? '').split('\n').length] as const)
      .filter(([, lines]) => lines > MAX_CORE_LINES)
      .map(([file, lines]) => `${file}: ${lines} lines`)
    expect(long).toEqual([])
  })

  it('builds no code from strings at run time', () => {
    const offenders = files.filter(
      (file) =>
        file !== 'test/architecture.test.ts' &&
        /\bnew Function\s*\(|\beval\s*\(/.test(source.get(file) ?? ''),
    )
    expect(offenders).toEqual([])
  })

  it('keeps core/ free of the server environment (express, node:http)', () => {
    const offenders = files
      .filter((file) => file.startsWith('core/'))
      .filter((file) =>
        ts
          .preProcessFile(source.get(file) ?? '', true, true)
          .importedFiles.some((entry) =>
            /^(express|node:http|node:https|http|https|node:net)$/.test(entry.fileName),
          ),
      )
    expect(offenders).toEqual([])
  })

  it('keeps vendors apart: no vendor folder imports another, and core imports none', () => {
    const vendorOf = (file: string) => /^handlers\/(snowflake|rhacs|swr|cycle)\//.exec(file)?.[1]
    const offenders: string[] = []
    for (const file of files) {
      const own = vendorOf(file)
      const fromCore = file.startsWith('core/')
      if (!own && !fromCore) continue
      for (const target of importsOf(file)) {
        const other = vendorOf(target)
        if ((fromCore && (other || target.startsWith('handlers/'))) || (other && other !== own)) {
          offenders.push(`${file} → ${target}`)
        }
      }
    }
    expect(offenders).toEqual([])
  })
})
