/** A seeded pseudo-random stream (sfc32): the only source of randomness in a session. */
export interface Random {
  /** A float in [0, 1). */
  next(): number
  /** An integer in [min, max], both inclusive. */
  int(min: number, max: number): number
  /** One element of a non-empty list. */
  pick<T>(items: readonly T[]): T
  /** `length` lowercase hex digits. */
  hex(length: number): string
  /** A 32-bit integer, for seeding other streams (faker, per-rule fault streams). */
  seed(): number
}

/** Hashes strings and numbers into a 32-bit seed, so streams can be derived by name. */
export function hashSeed(...parts: Array<string | number>): number {
  let h = 0x811c9dc5
  for (const part of parts) {
    const text = `${String(part)}\u0000`
    for (let i = 0; i < text.length; i++) {
      h ^= text.charCodeAt(i)
      h = Math.imul(h, 0x01000193)
    }
  }
  return h >>> 0
}

/** Creates a stream; the same seed always yields the same sequence. */
export function createRandom(seed: number): Random {
  let a = 0x9e3779b9
  let b = 0x243f6a88
  let c = 0xb7e15162
  let d = seed >>> 0
  const nextUint = (): number => {
    a >>>= 0
    b >>>= 0
    c >>>= 0
    d >>>= 0
    let t = (a + b) | 0
    a = b ^ (b >>> 9)
    b = (c + (c << 3)) | 0
    c = (c << 21) | (c >>> 11)
    d = (d + 1) | 0
    t = (t + d) | 0
    c = (c + t) | 0
    return t >>> 0
  }
  // Warm up so that nearby seeds diverge.
  for (let i = 0; i < 12; i++) nextUint()
  const next = () => nextUint() / 4294967296
  return {
    next,
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    pick(items) {
      if (items.length === 0) throw new RangeError('pick() needs at least one item')
      return items[Math.floor(next() * items.length)] as (typeof items)[number]
    },
    hex(length) {
      let out = ''
      while (out.length < length) out += nextUint().toString(16).padStart(8, '0')
      return out.slice(0, length)
    },
    seed: nextUint,
  }
}
