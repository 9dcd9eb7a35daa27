import { lstat, realpath, rm, stat, writeFile } from 'node:fs/promises'
import path from 'node:path'

/** How long a start-up check of an output file may take before the server gives up, ms. */
export const FILE_CHECK_TIMEOUT_MS = 10_000

/** A file the command line names: the flag (`--state`) and the path as the user gave it. */
export interface FileFlag {
  flag: string
  file: string
  /** What the server writes there besides the file itself, e.g. "--coverage's Markdown table". */
  role?: string
}

/**
 * A file-system error's reason without the path Node appends (`ENOENT: no such file or
 * directory`, not `…, open '/dir/.state.json.tmp'`): the path is a temporary file the user never
 * named, so messages name the user's path and this reason instead.
 */
export function fileErrorReason(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error)
  return message.replace(/, \w+ '[^']*'(?: -> '[^']*')?$/, '')
}

/** `--state ./s.json: reason`, the form of every file flag's error. */
export function flagProblem(target: FileFlag, reason: string): string {
  return `${target.role ?? target.flag} ${target.file}: ${reason}`
}

/**
 * Refuses two file flags that name the same file, when at least one of them is written (an output
 * written over another output, or over an input such as the `--scenario` file): paths are compared
 * resolved, and through the real path of their folder, so `./s.json`, `s.json` and a symlinked
 * folder's path are one file. Returns the problem, or undefined.
 */
export async function sameFileProblem(
  outputs: readonly FileFlag[],
  inputs: readonly FileFlag[],
): Promise<string | undefined> {
  const all = [...outputs, ...inputs]
  const keys = await Promise.all(all.map((target) => identity(target.file)))
  for (let i = 0; i < outputs.length; i++) {
    for (let j = i + 1; j < all.length; j++) {
      if (keys[i] !== keys[j]) continue
      const [a, b] = [all[i] as FileFlag, all[j] as FileFlag]
      return `${a.role ?? a.flag} ${a.file} and ${b.role ?? b.flag} ${b.file} are the same file (${keys[i]}); give each its own file`
    }
  }
  return undefined
}

/** The resolved path, through the real path of its folder when that folder exists. */
async function identity(file: string): Promise<string> {
  const resolved = path.resolve(file)
  const folder = await realpath(path.dirname(resolved)).catch(() => path.dirname(resolved))
  return path.join(folder, path.basename(resolved))
}

/**
 * Checks at start-up that an output file can be written where the user named it: it is no
 * folder, its folder exists (it is never created: `mkdir -p` of an arbitrary path may not return,
 * under `/proc` for one), and a probe file can be created and removed beside it. Bounded by
 * {@link FILE_CHECK_TIMEOUT_MS}. Returns the problem, naming the flag and the user's path, or
 * undefined.
 */
export function outputFileProblem(target: FileFlag): Promise<string | undefined> {
  return bounded(checkOutput(target), target)
}

async function checkOutput(target: FileFlag): Promise<string | undefined> {
  const resolved = path.resolve(target.file)
  const folder = path.dirname(resolved)
  const folderStat = await stat(folder).catch((error: NodeJS.ErrnoException) => error)
  if (folderStat instanceof Error) {
    return folderStat.code === 'ENOENT'
      ? flagProblem(target, `the folder ${folder} does not exist; create it first`)
      : flagProblem(target, `cannot use the folder ${folder} (${fileErrorReason(folderStat)})`)
  }
  if (!folderStat.isDirectory()) return flagProblem(target, `${folder} is not a folder`)
  const own = await lstat(resolved).catch(() => undefined)
  if (own?.isDirectory()) return flagProblem(target, 'is a folder, not a file')
  const probe = `${resolved}.${process.pid}.probe`
  try {
    await writeFile(probe, '', { flag: 'wx' })
    await rm(probe)
  } catch (error) {
    return flagProblem(target, `cannot write there (${fileErrorReason(error)})`)
  }
  return undefined
}

/**
 * `work`, or a problem when it has not settled within {@link FILE_CHECK_TIMEOUT_MS}: a file system
 * that does not answer (a hung network mount) must not hang the start-up.
 */
export function bounded<T>(work: Promise<T>, target: FileFlag): Promise<T | string> {
  let timer: NodeJS.Timeout | undefined
  const late = new Promise<string>((resolve) => {
    timer = setTimeout(
      () =>
        resolve(
          flagProblem(
            target,
            `the file system did not answer within ${FILE_CHECK_TIMEOUT_MS / 1000} s`,
          ),
        ),
      FILE_CHECK_TIMEOUT_MS,
    )
    timer.unref()
  })
  return Promise.race([work, late]).finally(() => clearTimeout(timer))
}
