import { ENTRY_OVERHEAD, headerBytes, violationBytes } from './journal-bytes.ts'
import { BODY_PREVIEW_CHARS, journalQuery } from './journal-preview.ts'
import type { SharedTexts } from './journal-texts.ts'
import { redactHeaders } from './redact.ts'

/**
 * A difference between a proxied exchange and the operation's contract (the mock's own zod
 * schemas): `request` when the caller sent it, `response` when the upstream answered it (drift).
 */
export interface Violation {
  where: 'request' | 'response'
  /** Where in the exchange, e.g. `body[0].name`, `query.createMode`, `status`. */
  path: string
  /** Names the operation, the path and what was expected. */
  message: string
}

/** One API request as the mock saw it. */
export interface JournalEntry {
  id: number
  /** Session clock time of the request (ISO-8601). */
  time: string
  /**
   * Wall-clock time the request arrived (ISO-8601 with milliseconds): what a client's waits are
   * measured on, whatever the session clock does.
   */
  receivedAt: string
  session: string
  operation: string
  vendor: string
  method: string
  path: string
  query: Record<string, string | string[]>
  /** The request body as text, cut at {@link BODY_PREVIEW_CHARS}. */
  requestBody: string | null
  requestBodyTruncated: boolean
  /** The response body as text, cut at {@link BODY_PREVIEW_CHARS}; null without a body or answer. */
  responseBody: string | null
  responseBodyTruncated: boolean
  status: number
  /** `reset`, `timeout`, `garbage`, `empty`: no HTTP answer (status 0); `truncate`: the body was cut. */
  network: 'reset' | 'timeout' | 'garbage' | 'empty' | 'truncate' | null
  durationMs: number
  /**
   * The request's headers (lower-case names; credentials and signatures replaced by
   * `<redacted>`, an `Authorization` keeping its scheme), cut as {@link JournalEntry.query} is.
   */
  requestHeaders: Record<string, string>
  /** The answer's headers, the same way; empty when none was sent (dropped, abandoned). */
  responseHeaders: Record<string, string>
  requestId: string
  /** The id of the fault rule that fired, if any. */
  fault: string | null
  /** The latency the request got before its answer (fault rules' `delayMs` drawn, `X-Mock-Delay`), ms; absent when none applied. */
  delayMs?: number
  /**
   * Set when an `afterCommit` fault lost the answer of an operation that succeeded: its change is
   * stored though the client saw a failure (a retry may create a duplicate).
   */
  committed?: true
  /** Set when a `bytesPerSecond` fault sent the answer's body slowly: the rate, bytes a second. */
  bytesPerSecond?: number
  /**
   * Set when an `effect.async: "fail"` fault made the async work this request started (a job, an
   * async result) end in the vendor's error.
   */
  asyncFailed?: true
  /** Set when the client was gone before the operation started: it did not run, nobody got an answer (`status` 0). */
  abandoned?: true
  /** A request no route serves: the nearest operation, as its `X-Mock-Hint` header says. */
  hint?: string
  /**
   * Proxied requests only: contract violations found in the request and the upstream's answer
   * (a streamed answer adds its own as the stream passes).
   */
  violations?: Violation[]
}

/**
 * A request as the pipeline hands it to `Journal.add`: what its entry needs, as it came (numbers,
 * the wire's header lists, whole texts). Most entries are never read, so the journal makes the
 * {@link JournalEntry} (ISO times, redacted headers, the parsed query) only when one is.
 */
export interface JournalRecord {
  /** Session clock time of the answer, ms since the epoch. */
  time: number
  /** Wall-clock time the request arrived, ms since the epoch (with fractions). */
  receivedAt: number
  session: string
  operation: string
  vendor: string
  method: string
  /** The whole URL path (the journal keeps {@link BODY_PREVIEW_CHARS} characters of it). */
  path: string
  /** The URL's `search` text. */
  search: string
  /** The whole request body as text; '' without one. */
  requestBody: string
  /**
   * The response body as text, whole or (a stream) its first characters past the preview, which
   * the journal cuts; null without a body or answer.
   */
  responseBody: string | null
  status: number
  network: JournalEntry['network']
  durationMs: number
  /** Header names and values in turn, as `Headers` iterates them (lower-case names). */
  requestHeaders: readonly string[]
  /** The answer's, the same way; null when none was sent (dropped, abandoned). */
  responseHeaders: readonly string[] | null
  requestId: string
  fault: string | null
  /** The optional fields that apply, in {@link JournalEntry}'s order; undefined when none does. */
  extra: JournalExtra | undefined
}

/** A journal entry's optional fields. */
export type JournalExtra = Pick<
  JournalEntry,
  'delayMs' | 'committed' | 'bytesPerSecond' | 'asyncFailed' | 'abandoned' | 'hint' | 'violations'
>

/**
 * What a slot holds until its entry is first read: the record's fields, its texts cut at
 * {@link BODY_PREVIEW_CHARS} and shared with other entries (the record itself, holding whole
 * texts, is not kept).
 */
export class PendingEntry {
  readonly time: number
  readonly receivedAt: number
  readonly session: string
  readonly operation: string
  readonly vendor: string
  readonly method: string
  readonly path: string
  readonly requestBody: string | null
  readonly requestBodyTruncated: boolean
  readonly responseBody: string | null
  readonly responseBodyTruncated: boolean
  readonly status: number
  readonly network: JournalEntry['network']
  readonly durationMs: number
  readonly requestHeaders: readonly string[]
  readonly responseHeaders: readonly string[] | null
  readonly requestId: string
  readonly fault: string | null
  readonly extra: JournalExtra | undefined
  /** What the entry counts against the journal's bounds, its query aside (see journal-bytes.ts). */
  readonly bytes: number

  constructor(
    readonly id: number,
    r: JournalRecord,
    texts: SharedTexts,
  ) {
    const path = texts.cut(r.path, 'path')
    const requestBody = r.requestBody === '' ? undefined : texts.cut(r.requestBody, 'requestBody')
    const responseBody =
      r.responseBody === null || r.responseBody === ''
        ? undefined
        : texts.cut(r.responseBody, 'responseBody')
    this.time = r.time
    this.receivedAt = r.receivedAt
    this.session = r.session
    this.operation = r.operation
    this.vendor = r.vendor
    this.method = r.method
    this.path = path.text
    this.requestBody = requestBody?.text ?? null
    this.requestBodyTruncated = r.requestBody.length > BODY_PREVIEW_CHARS
    this.responseBody = responseBody?.text ?? null
    this.responseBodyTruncated = (r.responseBody?.length ?? 0) > BODY_PREVIEW_CHARS
    this.status = r.status
    this.network = r.network
    this.durationMs = r.durationMs
    this.requestHeaders = texts.headers(r.requestHeaders)
    // Copies at their length: an array grown by push holds spare room.
    this.responseHeaders = r.responseHeaders?.slice() ?? null
    this.requestId = r.requestId
    this.fault = r.fault
    this.extra = r.extra
    this.bytes =
      ENTRY_OVERHEAD +
      path.bytes +
      (requestBody?.bytes ?? 0) +
      (responseBody?.bytes ?? 0) +
      headerBytes(this.requestHeaders) +
      (this.responseHeaders === null ? 0 : headerBytes(this.responseHeaders)) +
      violationBytes(this.extra?.violations)
  }

  /**
   * The entry, field for field (and in the same order) what recording it whole would have made;
   * `query` is the caller's.
   */
  entry(query: JournalEntry['query']): JournalEntry {
    const entry: Omit<JournalEntry, 'query'> = {
      id: this.id,
      time: new Date(this.time).toISOString(),
      receivedAt: new Date(this.receivedAt).toISOString(),
      session: this.session,
      operation: this.operation,
      vendor: this.vendor,
      method: this.method,
      path: this.path,
      requestBody: this.requestBody,
      requestBodyTruncated: this.requestBodyTruncated,
      responseBody: this.responseBody,
      responseBodyTruncated: this.responseBodyTruncated,
      status: this.status,
      network: this.network,
      durationMs: this.durationMs,
      requestHeaders: journalQuery(redactHeaders(this.requestHeaders)) as Record<string, string>,
      responseHeaders:
        this.responseHeaders === null
          ? {}
          : (journalQuery(redactHeaders(this.responseHeaders)) as Record<string, string>),
      requestId: this.requestId,
      fault: this.fault,
    }
    return Object.assign(entry, this.extra, { query })
  }
}
