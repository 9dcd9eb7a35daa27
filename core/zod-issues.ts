import type { z } from 'zod'

/**
 * Turns zod issues into one sentence naming each bad field; `root` names the value itself (an
 * unknown key of the whole value is `root: Unrecognized key`).
 */
export function describeZodError(error: z.ZodError, root = 'body'): string {
  return flattenIssues(error.issues, [])
    .map(({ path, message }) => `${path.length > 0 ? path.join('.') : root}: ${message}`)
    .join('; ')
}

/**
 * Issues with their full paths. A union's "Invalid input" says nothing: it is replaced by the
 * issues of the alternative the value was meant for (the one whose type it has), or by the
 * alternatives' expected types when it has none of them.
 */
function flattenIssues(
  issues: readonly z.core.$ZodIssue[],
  prefix: PropertyKey[],
): Array<{ path: PropertyKey[]; message: string }> {
  return issues.flatMap((issue) => {
    const path = [...prefix, ...issue.path]
    // A record's bad key: say what is wrong with it.
    if (issue.code === 'invalid_key') return flattenIssues(issue.issues, path)
    if (issue.code !== 'invalid_union' || issue.errors.length === 0) {
      return [{ path, message: issue.message }]
    }
    const wrongType = (branch: readonly z.core.$ZodIssue[]) =>
      branch.some((i) => i.code === 'invalid_type' && i.path.length === 0)
    const meant = issue.errors.find((branch) => !wrongType(branch))
    if (meant) return flattenIssues(meant, path)
    const expected = issue.errors.flatMap((branch) =>
      branch.flatMap((i) => (i.code === 'invalid_type' ? [i.expected] : [])),
    )
    return [{ path, message: `expected ${[...new Set(expected)].join(' or ')}` }]
  })
}
