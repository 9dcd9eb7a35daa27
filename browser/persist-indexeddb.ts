import type { BuiltMock, MockState } from '../core/mock.ts'
import { restoreSession } from '../core/restore-session.ts'
import { DEFAULT_SESSION, SESSION_HEADER } from '../core/session.ts'

/** The IndexedDB database (in the page's origin) that `startWorker({ persist: true })` keeps. */
export const PERSIST_DATABASE = 'image-registry-mock'
/** Its object store: one record per session, keyed by session name. */
const STORE = 'sessions'
/** Bumped whenever the record layout changes; a record of another version is dropped, never guessed at. */
const RECORD_VERSION = 1
/** Longest time (ms) a change made by a GET waits before it is written. */
const DELAY_MS = 250

/** One stored session: `exportState()` as JSON text (what `GET /__mock/state` answers). */
interface SessionRecord {
  version: number
  state: string
}

/** A request on its way through the worker, as the watcher sees it. */
interface SeenRequest {
  method: string
  url: string
  headers: Headers
}

/**
 * Keeps every session of a browser mock (stores, fault rules with their counters, clock, scenario
 * and seed) in the page origin's IndexedDB, so a reload starts where the page left off.
 *
 * A request that may change state (any method but GET, HEAD and OPTIONS) is saved before its
 * answer reaches the page, so a reload right after a create sees it. A change made from code
 * ({@link changed}: `mock.faults.add`, the clock, a store write) starts its write in the same task
 * (changes of one task share one transaction), so a navigation the page starts later finds it
 * under way. A vendor GET moves its session's clock only; that is saved within {@link DELAY_MS}.
 * {@link save} resolves once everything changed so far has committed.
 */
export class IndexedDbPersistence {
  readonly #mock: BuiltMock
  readonly #db: IDBDatabase
  /** Names with a record in the database. */
  readonly #saved: Set<string>
  #dirty = new Set<string>()
  #timer: ReturnType<typeof setTimeout> | undefined
  /** A write of the changes of this task is queued (as a microtask). */
  #queued = false
  /** Bumped by {@link clear}: a write that exported before it must not store what it exported. */
  #generation = 0
  /** Writes started and not yet committed (IndexedDB commits them in the order they started). */
  readonly #pending = new Set<Promise<void>>()

  private constructor(mock: BuiltMock, db: IDBDatabase, saved: Set<string>) {
    this.#mock = mock
    this.#db = db
    this.#saved = saved
  }

  /**
   * Opens the database and restores every session saved in it into `mock`. A record this version
   * cannot read (another layout, or records the model refuses) is dropped with a console warning,
   * and that session starts from the scenario again.
   */
  static async open(mock: BuiltMock): Promise<IndexedDbPersistence> {
    const db = await openDatabase()
    const saved = new Set<string>()
    const dropped: string[] = []
    for (const [name, value] of await readAll(db)) {
      try {
        if (value?.version !== RECORD_VERSION)
          throw new TypeError(`record version ${JSON.stringify(value?.version)}`)
        await restoreSession(mock, name, JSON.parse(value.state) as MockState)
        saved.add(name)
      } catch (error) {
        console.warn(
          `[image-registry-mock] dropped the saved session "${name}" (it starts from the scenario again): ${(error as Error).message}`,
        )
        dropped.push(name)
      }
    }
    if (dropped.length > 0)
      await transact(db, 'readwrite', (store) => {
        for (const name of dropped) store.delete(name)
      })
    return new IndexedDbPersistence(mock, db, saved)
  }

  /**
   * Notes what a request the mock answered changed. Resolves once that is stored when it may have
   * changed data (so the caller delivers the answer after it), at once otherwise.
   */
  async afterAnswer(seen: SeenRequest): Promise<void> {
    const session = seen.headers.get(SESSION_HEADER) ?? DEFAULT_SESSION
    const safe = seen.method === 'GET' || seen.method === 'HEAD' || seen.method === 'OPTIONS'
    if (!safe) {
      this.#dirty.add(session)
      // A failed write (quota, private mode) must not fail the answer: it is reported instead.
      await this.save(false).catch(reportFailure)
      return
    }
    // A control-API read changes nothing, unless it created the session.
    if (new URL(seen.url).pathname.startsWith('/__mock') && this.#saved.has(session)) return
    this.#dirty.add(session)
    this.#timer ??= setTimeout(() => {
      this.#timer = undefined
      this.save(false).catch(reportFailure)
    }, DELAY_MS)
  }

  /**
   * Notes a change to `session` made from code rather than by a request: its write starts at the
   * end of the current task's microtasks, together with every other change of the task.
   */
  changed(session: string): void {
    this.#dirty.add(session)
    if (this.#queued) return
    this.#queued = true
    queueMicrotask(() => {
      this.#queued = false
      this.#start().catch(reportFailure)
    })
  }

  /**
   * Writes the changed sessions (every live session when `all`) and removes the records of
   * sessions that no longer exist. Resolves once IndexedDB has committed this write and every
   * write started before it.
   */
  async save(all = true): Promise<void> {
    if (all) for (const name of this.#mock.runtime.sessions.names()) this.#dirty.add(name)
    const earlier = [...this.#pending]
    await Promise.all([this.#start(), ...earlier])
  }

  /** Removes every saved session (after a mock-wide reset): a reload starts from the scenario. */
  async clear(): Promise<void> {
    clearTimeout(this.#timer)
    this.#timer = undefined
    this.#dirty = new Set()
    this.#generation++
    const earlier = [...this.#pending].map((write) => write.catch(() => {}))
    // Started now, after the writes under way: IndexedDB commits it after them.
    await transact(this.#db, 'readwrite', (store) => store.clear())
    await Promise.all(earlier)
    this.#saved.clear()
  }

  #start(): Promise<void> {
    const write = this.#write()
    this.#pending.add(write)
    const done = () => this.#pending.delete(write)
    write.then(done, done)
    return write
  }

  /** Stops saving: the database is closed (its records stay). */
  close(): void {
    clearTimeout(this.#timer)
    this.#timer = undefined
    this.#db.close()
  }

  async #write(): Promise<void> {
    const dirty = this.#dirty
    this.#dirty = new Set()
    const generation = this.#generation
    const sessions = this.#mock.runtime.sessions
    const records = new Map<string, SessionRecord>()
    try {
      for (const name of dirty) {
        // A session deleted meanwhile must not be created again by exporting it.
        if (!sessions.has(name)) continue
        const state = await this.#mock.session(name).exportState()
        records.set(name, { version: RECORD_VERSION, state: JSON.stringify(state) })
      }
      if (generation !== this.#generation) return
      const gone = [...this.#saved].filter((name) => !sessions.has(name))
      if (records.size === 0 && gone.length === 0) return
      await transact(this.#db, 'readwrite', (store) => {
        for (const [name, record] of records) store.put(record, name)
        for (const name of gone) store.delete(name)
      })
      for (const name of records.keys()) this.#saved.add(name)
      for (const name of gone) this.#saved.delete(name)
    } catch (error) {
      // Tried again with the next change.
      for (const name of dirty) this.#dirty.add(name)
      throw error
    }
  }
}

function reportFailure(error: unknown): void {
  console.error('[image-registry-mock] could not save the mock state to IndexedDB:', error)
}

function openDatabase(): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const opening = indexedDB.open(PERSIST_DATABASE, 1)
    opening.onupgradeneeded = () => opening.result.createObjectStore(STORE)
    opening.onsuccess = () => resolve(opening.result)
    opening.onerror = () => reject(opening.error)
    opening.onblocked = () =>
      reject(new Error(`IndexedDB "${PERSIST_DATABASE}" is blocked by another tab's older version`))
  })
}

/** Every record of the store, by session name. */
async function readAll(db: IDBDatabase): Promise<Array<[string, SessionRecord | undefined]>> {
  const found: Array<[string, SessionRecord | undefined]> = []
  await transact(db, 'readonly', (store) => {
    const cursor = store.openCursor()
    cursor.onsuccess = () => {
      const at = cursor.result
      if (!at) return
      found.push([String(at.key), at.value as SessionRecord | undefined])
      at.continue()
    }
  })
  return found
}

/** Runs `work` in one transaction; resolves once it has committed, so a reload sees it. */
function transact(
  db: IDBDatabase,
  mode: IDBTransactionMode,
  work: (store: IDBObjectStore) => void,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const transaction = db.transaction(STORE, mode, { durability: 'strict' })
    work(transaction.objectStore(STORE))
    // Committed now rather than when the task ends, so a navigation right after finds it done.
    if (mode === 'readwrite') transaction.commit()
    transaction.oncomplete = () => resolve()
    transaction.onerror = () => reject(transaction.error)
    transaction.onabort = () =>
      reject(transaction.error ?? new Error('IndexedDB transaction aborted'))
  })
}
