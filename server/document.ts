import { readFile } from 'node:fs/promises'
import path from 'node:path'
import { parseDocument } from 'yaml'

/**
 * A data file the CLI cannot use (`--scenario FILE`, `--state FILE`). The message names the file
 * and where in it the first problem is; the CLI prints it and exits with status 2.
 */
export class DataFileError extends Error {
  override readonly name = 'DataFileError'
}

/** `['stores', 'snowflake', 'repositories', 3, 'name']` → `stores.snowflake.repositories[3].name`. */
export function jsonPath(segments: ReadonlyArray<PropertyKey>): string {
  let out = ''
  for (const segment of segments) {
    if (typeof segment === 'number') out += `[${segment}]`
    else {
      const key = String(segment)
      const plain = /^[A-Za-z_$][\w$-]*$/.test(key)
      out += plain ? (out ? `.${key}` : key) : `[${JSON.stringify(key)}]`
    }
  }
  return out || '(the document)'
}

/** A {@link DataFileError} naming the file and the JSON path of the problem. */
export function problemAt(
  file: string,
  segments: ReadonlyArray<PropertyKey>,
  reason: string,
): DataFileError {
  return new DataFileError(`${path.basename(file)}: ${jsonPath(segments)}: ${reason}`)
}

/** 1-based line and column of a character offset. */
function lineAndColumn(text: string, offset: number): string {
  const before = text.slice(0, offset)
  const line = before.split('\n').length
  const column = offset - before.lastIndexOf('\n')
  return `line ${line}, column ${column}`
}

/**
 * Reads a JSON (`.json`) or YAML (`.yaml`, `.yml`) file into plain data. Syntax errors become a
 * {@link DataFileError} with the file name and the line and column of the problem; YAML aliases
 * are capped (the `yaml` package's default of 100) so a small file cannot expand without end.
 */
export async function readDataFile(file: string): Promise<unknown> {
  const name = path.basename(file)
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    const why =
      code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : String(error)
    throw new DataFileError(`${name}: cannot read ${file}: ${why}`)
  }
  // Editors on Windows often start UTF-8 files with a byte order mark, which JSON.parse refuses.
  if (text.startsWith('\uFEFF')) text = text.slice(1)
  const extension = path.extname(file).toLowerCase()
  if (extension === '.json') {
    try {
      return JSON.parse(text)
    } catch (error) {
      const message = (error as Error).message
      const offset = /at position (\d+)/.exec(message)?.[1]
      const where = offset === undefined ? '' : `${lineAndColumn(text, Number(offset))}: `
      throw new DataFileError(
        `${name}: ${where}not valid JSON: ${message.replace(/ *\(line \d+ column \d+\)/, '')}`,
      )
    }
  }
  if (extension === '.yaml' || extension === '.yml') {
    const document = parseDocument(text)
    const [first] = document.errors
    if (first) {
      const where = first.linePos?.[0]
      const at = where ? `line ${where.line}, column ${where.col}: ` : ''
      // The message repeats the position and quotes the source; keep its first sentence.
      const reason = first.message.split(/ at line \d+, column \d+/)[0]
      throw new DataFileError(`${name}: ${at}not valid YAML: ${reason}`)
    }
    try {
      return document.toJS()
    } catch (error) {
      throw new DataFileError(`${name}: not usable YAML: ${(error as Error).message}`)
    }
  }
  throw new DataFileError(`${name}: unknown file type "${extension}"; use .json, .yaml or .yml`)
}
