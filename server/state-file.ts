import { open, readFile, rename } from 'node:fs/promises'
import type { IncomingMessage, Server, ServerResponse } from 'node:http'
import path from 'node:path'
import { Collection } from '@msw/data'
import type { BuiltMock, MockState } from '../core/mock.ts'
import { ChangeCounter } from '../core/record-index.ts'
import { restoreSession } from '../core/restore-session.ts'
import { DEFAULT_SESSION, SESSION_HEADER, type Session } from '../core/session.ts'
import { StateRecordError } from '../core/state.ts'
import { DataFileError, problemAt } from './document.ts'
import { fileErrorReason } from './file-flags.ts'

/** Names the kind of file, so a stray JSON file is not taken for a state file. */
export const STATE_FILE_FORMAT = 'image-registry-mock-state'
/** Bumped whenever the layout changes; a file of another version is refused, never guessed at. */
export const STATE_FILE_VERSION = 1

/**
 * The `--state` file: every session as `GET /__mock/state` exports it (stores, fault rules with
 * their counters, clock, scenario and seed), keyed by session name.
 */
export interface StateFile {
  format: typeof STATE_FILE_FORMAT
  version: typeof STATE_FILE_VERSION
  sessions: Record<string, MockState>
}

/**
 * Reads a state file; `undefined` when there is none yet. Throws a {@link DataFileError} for a
 * file that is not valid JSON, not a state file, or of another format version.
 */
export async function readStateFile(file: string): Promise<StateFile | undefined> {
  const name = path.basename(file)
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw new DataFileError(`${name}: cannot read ${file}: ${(error as Error).message}`)
  }
  let document: unknown
  try {
    document = JSON.parse(text)
  } catch (error) {
    throw new DataFileError(`${name}: not valid JSON: ${(error as Error).message}`)
  }
  const { format, version, sessions } = (document ?? {}) as Partial<StateFile>
  if (format !== STATE_FILE_FORMAT) {
    // One session's export (GET /__mock/state) is the usual mix-up: say where it goes instead.
    const exported = typeof document === 'object' && document !== null && 'stores' in document
    throw problemAt(
      file,
      ['format'],
      exported
        ? `not an image-registry-mock state file but one session's state, as GET /__mock/state exports it; start a server from it with --scenario ${file}, or load it into a running one with PUT /__mock/state (--state names the file where the server keeps every session)`
        : `not an image-registry-mock state file`,
    )
  }
  if (version !== STATE_FILE_VERSION) {
    throw new DataFileError(
      `${name}: state file format version ${JSON.stringify(version)}, but this image-registry-mock reads version ${STATE_FILE_VERSION}; start with another --state file (or move this one away) to begin afresh`,
    )
  }
  if (typeof sessions !== 'object' || sessions === null || Array.isArray(sessions)) {
    throw problemAt(file, ['sessions'], 'must be an object keyed by session name')
  }
  return { format, version, sessions }
}

/**
 * Rebuilds every session of a state file in the mock: stores, fault rules and their counters,
 * clock, scenario and seed. Random streams continue from a point derived from the saved clock, so
 * ids minted after a restart do not repeat those minted before it. Returns the session names.
 */
export async function restoreSessions(
  mock: BuiltMock,
  state: StateFile,
  file: string,
): Promise<string[]> {
  const names = Object.keys(state.sessions)
  for (const name of names) {
    const saved = state.sessions[name]!
    try {
      await restoreSession(mock, name, saved)
    } catch (error) {
      if (error instanceof StateRecordError) {
        throw problemAt(file, ['sessions', name, 'stores', ...error.path], error.reason)
      }
      throw problemAt(file, ['sessions', name], (error as Error).message)
    }
  }
  return names
}

/**
 * Writes `text` to `file` so that a reader, or a restart after a crash or `kill -9`, sees either
 * the old or the new content, never a mix: a temporary file in the same directory, fsync, rename
 * over the target, then fsync of the directory so the rename itself is durable. `text` may be
 * given in pieces, written one after another.
 */
export async function writeFileAtomic(
  file: string,
  text: string | Iterable<string>,
): Promise<void> {
  const dir = path.dirname(path.resolve(file))
  const temporary = path.join(dir, `.${path.basename(file)}.tmp`)
  const handle = await open(temporary, 'w', 0o644)
  try {
    // Piece by piece (each appended where the last ended): a file of many sessions is never one
    // string, and other requests run between the pieces.
    for (const piece of typeof text === 'string' ? [text] : text) await handle.writeFile(piece)
    await handle.sync()
  } finally {
    await handle.close()
  }
  await rename(temporary, file)
  try {
    const directory = await open(dir, 'r')
    try {
      await directory.sync()
    } finally {
      await directory.close()
    }
  } catch {
    // Some platforms (Windows) cannot open a directory for fsync; the rename is still atomic.
  }
}

/** Options of {@link StateFileWriter}. */
export interface StateFileWriterOptions {
  /** Longest time (ms) a change waits before it is written (default 250). */
  delayMs?: number
  /**
   * Longest time (ms) a change that reads alone made waits: the clock and fault counters moved by
   * vendor requests that wrote no record (default 2000). Records, fault rules, resets and
   * anything reported with `touch` still wait at most `delayMs`.
   */
  readDelayMs?: number
  /** Where write failures are reported (default: stderr). */
  onError?: (error: Error) => void
}

/**
 * Keeps the `--state` file current. The server reports which session each request touched
 * ({@link watch}); within `delayMs` of the first unsaved change, the changed sessions are exported
 * again (the others come from a cache) and the whole file is replaced atomically. So after a
 * `kill -9` at most the changes of the last `delayMs` plus two saves (one under way, then the
 * one that holds them) are lost; of the changes reads alone made (clock and fault counters), at
 * most those of the last `readDelayMs` plus `delayMs` plus two saves.
 *
 * Saving costs what changed, not what is stored: a session's records are serialized again only
 * when one of its collections was written (or its stores replaced, by a reset or a state import)
 * since the last save, and while vendor reads alone move the sessions, the file is rewritten at
 * most every `readDelayMs`, not every `delayMs` (with 16 sessions of the default scenario it is
 * about 4 MB).
 *
 * Every vendor request changes its session (the virtual clock moves per request), and so does
 * every control-API request other than GET, HEAD and OPTIONS; a GET that creates a session is
 * caught too. Changes made in-process, outside HTTP, are not seen: call {@link touch} for them.
 */
export class StateFileWriter {
  readonly #mock: BuiltMock
  readonly #file: string
  readonly #delayMs: number
  readonly #readDelayMs: number
  readonly #onError: (error: Error) => void
  readonly #cache = new Map<string, string>()
  /** Each session's serialized stores, and which stores at which versions they hold. */
  readonly #stores = new Map<string, SavedStores>()
  /** A write counter per store object (a reset or an import brings new ones). */
  readonly #counters = new WeakMap<object, ChangeCounter>()
  #dirty = new Set<string>()
  /** A change that must not wait for `readDelayMs` was noted (see {@link touch}). */
  #urgent = false
  #lastWrite = 0
  #timer: NodeJS.Timeout | undefined
  #chain: Promise<void> = Promise.resolve()

  constructor(mock: BuiltMock, file: string, options: StateFileWriterOptions = {}) {
    this.#mock = mock
    this.#file = file
    this.#delayMs = options.delayMs ?? 250
    this.#readDelayMs = options.readDelayMs ?? 2000
    this.#onError =
      options.onError ??
      ((error) =>
        console.error(
          `image-registry-mock: --state ${file}: cannot write (${fileErrorReason(error)})`,
        ))
  }

  /** Marks a session as changed; it is written within `delayMs`. */
  touch(session: string): void {
    this.#urgent = true
    this.#moved(session)
  }

  /**
   * Marks a session a vendor read moved: written within `delayMs` if its records changed after
   * all (a poll that counts, an asynchronous result stored), else within `readDelayMs`.
   */
  #moved(session: string): void {
    this.#dirty.add(session)
    // Counting from the request's start: by the save, the count is trusted (see #export).
    if (this.#mock.runtime.sessions.has(session)) {
      const live = this.#mock.runtime.sessions.get(session)
      for (const vendor of this.#mock.vendors) this.#counter(live.store(vendor) as object)
    }
    this.#timer ??= setTimeout(() => this.#due(), this.#delayMs)
  }

  /** Writes now if anything cannot wait longer, else looks again in `delayMs`. */
  #due(): void {
    this.#timer = undefined
    if (this.#dirty.size === 0) return
    const waited = performance.now() - this.#lastWrite
    const now =
      this.#urgent ||
      waited >= this.#readDelayMs ||
      [...this.#dirty].some((name) => this.#recordsChanged(name))
    if (now) this.flush().catch(this.#onError)
    else this.#timer = setTimeout(() => this.#due(), this.#delayMs)
  }

  /** Listens to a server's requests and marks the sessions they touch. */
  watch(server: Server): void {
    server.on('request', (request: IncomingMessage, response: ServerResponse) => {
      if (request.method === 'OPTIONS') return
      const raw = request.headers[SESSION_HEADER]
      const session = (Array.isArray(raw) ? raw[0] : raw) ?? DEFAULT_SESSION
      const control = request.url?.startsWith('/__mock') ?? false
      if (control && (request.method === 'GET' || request.method === 'HEAD')) {
        response.once('close', () => {
          if (!this.#cache.has(session) && this.#mock.runtime.sessions.has(session))
            this.touch(session)
        })
        return
      }
      // Once at the start (a request that never ends, a timeout fault, has already moved the
      // clock) and once at the end, when its changes are complete.
      const read = !control && (request.method === 'GET' || request.method === 'HEAD')
      const note = read ? (name: string) => this.#moved(name) : (name: string) => this.touch(name)
      note(session)
      response.once('close', () => note(session))
    })
  }

  /** Writes every change noted so far; resolves once the file is on disk. */
  flush(): Promise<void> {
    const run = this.#chain.then(() => this.#write())
    this.#chain = run.catch(() => {})
    return run
  }

  /** Stops the timer and writes what is left (on SIGINT/SIGTERM). */
  async close(): Promise<void> {
    clearTimeout(this.#timer)
    this.#timer = undefined
    await this.flush()
  }

  async #write(): Promise<void> {
    const dirty = this.#dirty
    this.#dirty = new Set()
    this.#urgent = false
    this.#lastWrite = performance.now()
    const sessions = this.#mock.runtime.sessions
    try {
      for (const name of sessions.names()) {
        if (this.#cache.has(name) && !dirty.has(name)) continue
        // A session deleted while an earlier export awaited must not be re-created by exporting.
        if (!sessions.has(name)) continue
        this.#cache.set(name, await this.#export(name, sessions.get(name)))
        // One session's serialization at a time holds the event loop: requests run between.
        await new Promise((resolve) => setImmediate(resolve))
      }
      const live = sessions.names().filter((name) => this.#cache.has(name))
      for (const name of this.#cache.keys()) {
        if (live.includes(name)) continue
        this.#cache.delete(name)
        this.#stores.delete(name)
      }
      const pieces = [
        `{"format":"${STATE_FILE_FORMAT}","version":${STATE_FILE_VERSION},"sessions":{`,
      ]
      live.forEach((name, i) => {
        pieces.push(`${i > 0 ? ',' : ''}${JSON.stringify(name)}:`, this.#cache.get(name) as string)
      })
      pieces.push('}}\n')
      await writeFileAtomic(this.#file, pieces)
    } catch (error) {
      // Try again with the next change, or at the next flush.
      for (const name of dirty) this.#dirty.add(name)
      this.#urgent = true
      throw error
    }
  }

  /**
   * The session's `exportState()` as JSON text, its records re-serialized only if a collection
   * changed since the last export; otherwise the saved records beside the fresh clock, scenario,
   * seed and fault rules: the same text `exportState()` would give.
   */
  /** Whether the session's records may differ from those last saved (or none were). */
  #recordsChanged(name: string): boolean {
    const saved = this.#stores.get(name)
    if (!saved || !this.#mock.runtime.sessions.has(name)) return true
    const session = this.#mock.runtime.sessions.get(name)
    return this.#mock.vendors.some((vendor, i) => {
      const store = session.store(vendor) as object
      return store !== saved.stores[i] || this.#counters.get(store)?.version !== saved.versions[i]
    })
  }

  /** The write counter of a store, begun on first use. */
  #counter(store: object): ChangeCounter {
    let counter = this.#counters.get(store)
    if (!counter) {
      counter = new ChangeCounter(...Object.values(store).filter((v) => v instanceof Collection))
      this.#counters.set(store, counter)
    }
    return counter
  }

  async #export(name: string, session: Session): Promise<string> {
    await session.ready
    const stores = this.#mock.vendors.map((vendor) => session.store(vendor) as object)
    // A counter begun now may have missed a write already under way: trust it from the next save.
    const fresh = stores.some((store) => !this.#counters.has(store))
    const versions = stores.map((store) => this.#counter(store).version)
    const saved = this.#stores.get(name)
    let storesText: string
    const unchanged =
      saved?.stores.every((store, i) => store === stores[i]) &&
      saved.versions.every((version, i) => version === versions[i])
    if (saved && unchanged) {
      storesText = saved.text
    } else {
      storesText = JSON.stringify((await this.#mock.session(name).exportState()).stores)
      if (fresh) this.#stores.delete(name)
      else this.#stores.set(name, { stores, versions, text: storesText })
    }
    // exportState()'s fields but `stores`, in its order; `stores` comes last.
    const rest: Omit<MockState, 'stores'> = {
      version: 1,
      scenario: session.scenario,
      seed: session.seed,
      clock: session.clock.now(),
      faults: session.faults.list() as MockState['faults'],
    }
    return `${JSON.stringify(rest).slice(0, -1)},"stores":${storesText}}`
  }
}

interface SavedStores {
  stores: readonly object[]
  versions: readonly number[]
  /** `JSON.stringify` of the export's `stores`. */
  text: string
}
