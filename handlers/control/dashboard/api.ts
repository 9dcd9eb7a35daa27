import type { FaultRule } from '../../../core/faults.ts'
import type { JournalEntry } from '../../../core/journal.ts'
import type { OperationViolations } from '../../../core/proxy/violations.ts'

export type { FaultRule, JournalEntry, OperationViolations }

/** Where the control API, and so the dashboard's own files, are served. */
export const CONTROL_BASE = '/__mock'

/** One operation as `GET /__mock/health` lists it. */
export interface OperationInfo {
  id: string
  method: string
  path: string
  /** The statuses the operation can answer; a fault rule may force only these. Absent: any. */
  statuses?: number[]
  /** The async work the operation starts, which an `effect.async` rule fails. Absent: none. */
  asyncWork?: string
}

/** `GET /__mock/health`. */
export interface Health {
  version: string
  session: string
  scenario: string
  seed: number
  sessions: number
  auth: boolean
  operations: OperationInfo[]
}

/** `GET /__mock/journal`. */
export interface JournalPage {
  entries: JournalEntry[]
  size: number
}

/** `GET /__mock/violations`: contract drift of proxied traffic in one session. */
export interface ViolationsReport {
  session: string
  /** Vendors answered by their real service (empty: no proxy mode). */
  proxied: string[]
  operations: OperationViolations[]
}

/** A control API failure: its HTTP status and the `error.message` it sent. */
export class ControlApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message)
  }
}

/** The control API at `base`, acting on one session (sent as `X-Mock-Session`). */
export class ControlApi {
  constructor(
    public session: string,
    readonly base = CONTROL_BASE,
  ) {}

  /** Calls `method path` with an optional JSON body; resolves the JSON answer (null for 204). */
  async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = { 'X-Mock-Session': this.session }
    const init: RequestInit = { method, headers, cache: 'no-store' }
    if (body !== undefined) {
      headers['Content-Type'] = 'application/json'
      init.body = JSON.stringify(body)
    }
    const response = await fetch(`${this.base}${path}`, init)
    if (response.status === 204) return null as T
    const data = (await response.json().catch(() => null)) as {
      error?: { message?: string }
    } | null
    if (!response.ok) {
      throw new ControlApiError(response.status, data?.error?.message ?? `HTTP ${response.status}`)
    }
    return data as T
  }
}
