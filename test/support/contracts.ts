import { existsSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { Ajv, type ValidateFunction } from 'ajv'
import addFormats from 'ajv-formats'
import { parse } from 'yaml'

/**
 * The vendors' contracts, beside the repository checkout (present in CI), or where
 * `CONTRACTS_DIR` points (a checkout in another place, e.g. a git worktree).
 */
export const CONTRACTS_DIR =
  process.env.CONTRACTS_DIR ?? path.resolve(import.meta.dirname, '../../../shared/contracts')

/** Whether the contracts folder is there; contract assertions are skipped when it is not. */
export const HAVE_CONTRACTS = existsSync(CONTRACTS_DIR)

/** Loads a YAML or JSON contract file from the contracts folder. */
export function loadContract(relativePath: string): Record<string, unknown> {
  const text = readFileSync(path.join(CONTRACTS_DIR, relativePath), 'utf8')
  return relativePath.endsWith('.json') ? JSON.parse(text) : parse(text)
}

/** An ajv (draft-07, non-strict: OpenAPI documents carry keywords ajv does not know) with formats. */
export function contractAjv(): Ajv {
  const ajv = new Ajv({ strict: false, allErrors: true })
  addFormats.default(ajv)
  return ajv
}

/** Throws with ajv's errors when `data` does not match; a readable failure in tests. */
export function assertValid(validate: ValidateFunction, data: unknown, what: string): void {
  if (!validate(data)) {
    throw new Error(
      `${what} does not match the contract: ${JSON.stringify(validate.errors, null, 2)}`,
    )
  }
}
