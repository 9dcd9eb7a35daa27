import type { CveRecord, VulnerabilitySeverity } from '../records.ts'

/**
 * CVSS base scores from vectors: v3.1 per FIRST's specification (section 7) and v2 per its
 * equations, with the field names StackRox reports.
 */

const V3_WEIGHTS: Record<string, Record<string, number>> = {
  AV: { N: 0.85, A: 0.62, L: 0.55, P: 0.2 },
  AC: { L: 0.77, H: 0.44 },
  UI: { N: 0.85, R: 0.62 },
  C: { H: 0.56, L: 0.22, N: 0 },
  I: { H: 0.56, L: 0.22, N: 0 },
  A: { H: 0.56, L: 0.22, N: 0 },
}

function roundUp(value: number): number {
  const scaled = Math.round(value * 100_000)
  return scaled % 10_000 === 0 ? scaled / 100_000 : (Math.floor(scaled / 10_000) + 1) / 10
}

const round1 = (value: number) => Math.round(value * 10) / 10

function parseVector(vector: string): Record<string, string> {
  const metrics: Record<string, string> = {}
  for (const part of vector.split('/')) {
    const [key, value] = part.split(':')
    if (key && value) metrics[key] = value
  }
  return metrics
}

/** The v3.1 base score and metrics of a `CVSS:3.x/…` vector. */
export function cvssV3(vector: string): NonNullable<CveRecord['cvssV3']> {
  const m = parseVector(vector)
  const changed = m.S === 'C'
  const w = (metric: string) => V3_WEIGHTS[metric]?.[m[metric] ?? ''] ?? 0
  const pr = m.PR === 'N' ? 0.85 : m.PR === 'L' ? (changed ? 0.68 : 0.62) : changed ? 0.5 : 0.27
  const iss = 1 - (1 - w('C')) * (1 - w('I')) * (1 - w('A'))
  const impact = changed ? 7.52 * (iss - 0.029) - 3.25 * (iss - 0.02) ** 15 : 6.42 * iss
  const exploitability = 8.22 * w('AV') * w('AC') * pr * w('UI')
  const score =
    impact <= 0 ? 0 : roundUp(Math.min((changed ? 1.08 : 1) * (impact + exploitability), 10))
  const names: Record<string, Record<string, string>> = {
    AV: { N: 'ATTACK_NETWORK', A: 'ATTACK_ADJACENT', L: 'ATTACK_LOCAL', P: 'ATTACK_PHYSICAL' },
    AC: { L: 'COMPLEXITY_LOW', H: 'COMPLEXITY_HIGH' },
    PR: { N: 'PRIVILEGE_NONE', L: 'PRIVILEGE_LOW', H: 'PRIVILEGE_HIGH' },
    UI: { N: 'UI_NONE', R: 'UI_REQUIRED' },
    S: { U: 'UNCHANGED', C: 'CHANGED' },
    CIA: { N: 'IMPACT_NONE', L: 'IMPACT_LOW', H: 'IMPACT_HIGH' },
  }
  const name = (table: string, metric: string) => names[table]?.[m[metric] ?? ''] ?? ''
  return {
    vector,
    exploitabilityScore: round1(exploitability),
    impactScore: round1(Math.max(impact, 0)),
    attackVector: name('AV', 'AV'),
    attackComplexity: name('AC', 'AC'),
    privilegesRequired: name('PR', 'PR'),
    userInteraction: name('UI', 'UI'),
    scope: name('S', 'S'),
    confidentiality: name('CIA', 'C'),
    integrity: name('CIA', 'I'),
    availability: name('CIA', 'A'),
    score,
    severity:
      score === 0
        ? 'NONE'
        : score < 4
          ? 'LOW'
          : score < 7
            ? 'MEDIUM'
            : score < 9
              ? 'HIGH'
              : 'CRITICAL',
  }
}

/** The v2 base score and metrics of an `AV:…/AC:…/Au:…/…` vector. */
export function cvssV2(vector: string): NonNullable<CveRecord['cvssV2']> {
  const m = parseVector(vector)
  const av = { L: 0.395, A: 0.646, N: 1 }[m.AV ?? 'L'] ?? 0.395
  const ac = { H: 0.35, M: 0.61, L: 0.71 }[m.AC ?? 'H'] ?? 0.35
  const au = { M: 0.45, S: 0.56, N: 0.704 }[m.Au ?? 'M'] ?? 0.45
  const cia = (metric: string) => ({ N: 0, P: 0.275, C: 0.66 })[m[metric] ?? 'N'] ?? 0
  const impact = 10.41 * (1 - (1 - cia('C')) * (1 - cia('I')) * (1 - cia('A')))
  const exploitability = 20 * av * ac * au
  const score = round1((0.6 * impact + 0.4 * exploitability - 1.5) * (impact === 0 ? 0 : 1.176))
  const impactName = (metric: string) =>
    ({ N: 'IMPACT_NONE', P: 'IMPACT_PARTIAL', C: 'IMPACT_COMPLETE' })[m[metric] ?? 'N'] ??
    'IMPACT_NONE'
  return {
    vector,
    attackVector:
      { L: 'ATTACK_LOCAL', A: 'ATTACK_ADJACENT', N: 'ATTACK_NETWORK' }[m.AV ?? 'L'] ??
      'ATTACK_LOCAL',
    accessComplexity:
      { H: 'ACCESS_HIGH', M: 'ACCESS_MEDIUM', L: 'ACCESS_LOW' }[m.AC ?? 'H'] ?? 'ACCESS_HIGH',
    authentication:
      { M: 'AUTH_MULTIPLE', S: 'AUTH_SINGLE', N: 'AUTH_NONE' }[m.Au ?? 'M'] ?? 'AUTH_MULTIPLE',
    confidentiality: impactName('C'),
    integrity: impactName('I'),
    availability: impactName('A'),
    exploitabilityScore: round1(exploitability),
    impactScore: round1(impact),
    score,
    severity: score < 4 ? 'LOW' : score < 7 ? 'MEDIUM' : 'HIGH',
  }
}

/** The distro-style severity a score implies when the feed names none. */
export function severityOf(score: number): VulnerabilitySeverity {
  if (score < 4) return 'LOW_VULNERABILITY_SEVERITY'
  if (score < 7) return 'MODERATE_VULNERABILITY_SEVERITY'
  if (score < 9) return 'IMPORTANT_VULNERABILITY_SEVERITY'
  return 'CRITICAL_VULNERABILITY_SEVERITY'
}
