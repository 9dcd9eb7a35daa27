import { rename, writeFile } from 'node:fs/promises'
import type { MockState } from '../core/mock.ts'
import type { ProxyAdapters, RecordedAnswer, RecordSink } from '../core/proxy/types.ts'
import { REDACTED, redact } from '../core/redact.ts'
import type { MockRequest } from '../core/request-input.ts'
import { type CollectionMap, exportCollections } from '../core/state.ts'
import type { AnyVendor } from '../core/vendor.ts'

/** Credentials shorter than this are too short to be real ones and are not searched for in values. */
const MIN_SECRET_LENGTH = 8

/** Waits this long after an answer before writing, so a burst of answers is one write. */
const FLUSH_DELAY_MS = 100

/**
 * `--record FILE`: ingests what the upstreams answered into stores of its own (each vendor's
 * adapter maps wire shapes back to records) and writes them as a `GET /__mock/state` document.
 * Credentials never reach the file: values under secret-like keys, JWT- and PEM-like values and
 * every credential the traffic carried (bearer tokens, basic passwords, IAM tokens) are replaced
 * by {@link REDACTED}. The file is written to a temporary name and renamed, so a reader never sees
 * half of it.
 */
export class Recorder implements RecordSink {
  readonly #stores = new Map<string, unknown>()
  readonly #secrets = new Set<string>()
  #queue: Promise<unknown> = Promise.resolve()
  #writing: Promise<void> = Promise.resolve()
  #timer: ReturnType<typeof setTimeout> | undefined
  #clock: number | undefined

  constructor(
    readonly file: string,
    private readonly vendors: readonly AnyVendor[],
    private readonly adapters: ProxyAdapters,
  ) {}

  /** Notes the credentials a request carries, so no recorded value repeats them. */
  noteCredentials(request: MockRequest): void {
    const note = (value: string | null | undefined) => {
      if (value && value.length >= MIN_SECRET_LENGTH) this.#secrets.add(value)
    }
    const authorization = request.headers.get('authorization')
    const match = authorization && /^(\w+)\s+(.+)$/.exec(authorization.trim())
    if (match) {
      const [, scheme, credential] = match
      note(credential)
      if (scheme?.toLowerCase() === 'basic') {
        try {
          const decoded = atob(credential ?? '')
          note(decoded)
          note(decoded.slice(decoded.indexOf(':') + 1))
        } catch {
          // Not base64: the credential itself is noted already.
        }
      }
    }
    note(request.headers.get('x-auth-token'))
  }

  /** Hands one answer to the vendor's ingest function, after every earlier one. */
  ingest(vendorName: string, answer: RecordedAnswer, clock: number): Promise<void> {
    const vendor = this.vendors.find((v) => v.name === vendorName)
    const ingest = this.adapters[vendorName]?.ingest
    if (!vendor || !ingest) return Promise.resolve()
    let store = this.#stores.get(vendorName)
    if (store === undefined) {
      store = vendor.createStore()
      this.#stores.set(vendorName, store)
    }
    const run = this.#queue.then(async () => {
      try {
        await ingest(store as never, answer)
      } catch (error) {
        // A shape the ingest cannot map is drift the validator reports; the recording goes on.
        console.error(
          `[image-registry-mock] could not record ${vendorName}.${answer.operation}:`,
          (error as Error).message,
        )
      }
      this.#clock = clock
      this.#schedule()
    })
    this.#queue = run
    return run
  }

  /** The recording as `GET /__mock/state` returns a session (redacted). */
  async state(): Promise<MockState> {
    await this.#queue
    const stores: MockState['stores'] = {}
    for (const vendor of this.vendors) {
      const store = this.#stores.get(vendor.name)
      if (store === undefined) continue
      stores[vendor.name] = redact(
        exportCollections(store as CollectionMap),
        undefined,
        this.#secrets,
      ) as Record<string, unknown[]>
    }
    return {
      version: 1,
      scenario: 'empty',
      seed: 1,
      clock: this.#clock ?? Date.parse('2026-03-02T09:00:00Z'),
      faults: [],
      stores,
    }
  }

  /** Writes the file now (after every pending answer); resolves once it is renamed into place. */
  flush(): Promise<void> {
    if (this.#timer) clearTimeout(this.#timer)
    this.#timer = undefined
    const write = this.#writing.then(async () => {
      const text = `${JSON.stringify(await this.state(), null, 2)}\n`
      const temporary = `${this.file}.${process.pid}.tmp`
      await writeFile(temporary, text, 'utf8')
      await rename(temporary, this.file)
    })
    this.#writing = write.catch((error) => {
      console.error(`[image-registry-mock] could not write ${this.file}:`, error.message)
    })
    return write
  }

  #schedule(): void {
    if (this.#timer) return
    this.#timer = setTimeout(() => {
      this.#timer = undefined
      this.flush().catch(() => {})
    }, FLUSH_DELAY_MS)
    this.#timer.unref?.()
  }
}
