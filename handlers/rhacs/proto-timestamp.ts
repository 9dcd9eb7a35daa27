const DAY = 86_400_000

const pad2 = (n: number) => (n < 10 ? `0${n}` : `${n}`)

/**
 * Formats an instant as protojson does: RFC 3339 in UTC, fractions only when non-zero. Integer
 * date arithmetic (Hinnant's civil-from-days) rather than `toISOString`, because seeding 10,000
 * images formats some 700,000 timestamps.
 */
export function protoTimestamp(ms: number): string {
  const whole = Math.floor(ms)
  const days = Math.floor(whole / DAY)
  let rest = whole - days * DAY
  const hours = Math.floor(rest / 3_600_000)
  rest -= hours * 3_600_000
  const minutes = Math.floor(rest / 60_000)
  rest -= minutes * 60_000
  const seconds = Math.floor(rest / 1000)
  const millis = rest - seconds * 1000
  const z = days + 719_468
  const era = Math.floor(z / 146_097)
  const doe = z - era * 146_097
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365,
  )
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100))
  const mp = Math.floor((5 * doy + 2) / 153)
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1
  const month = mp < 10 ? mp + 3 : mp - 9
  const year = yoe + era * 400 + (month <= 2 ? 1 : 0)
  if (year < 0 || year > 9999) return new Date(ms).toISOString()
  const fraction = millis === 0 ? '' : `.${millis < 10 ? '00' : millis < 100 ? '0' : ''}${millis}`
  return `${String(year).padStart(4, '0')}-${pad2(month)}-${pad2(day)}T${pad2(hours)}:${pad2(minutes)}:${pad2(seconds)}${fraction}Z`
}

/** Midnight UTC of a `YYYY-MM-DD` day, `offsetDays` later, as a protojson timestamp. */
export function protoDate(day: string, offsetDays = 0): string {
  return protoTimestamp(Date.parse(`${day}T00:00:00Z`) + offsetDays * DAY)
}
