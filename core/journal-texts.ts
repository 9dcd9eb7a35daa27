import { textBytes } from './journal-bytes.ts'
import { BODY_PREVIEW_CHARS } from './journal-preview.ts'

/** A text a journal keeps once, and the bytes it counts for it. */
export interface Interned {
  text: string
  bytes: number
}

/** The kinds of text {@link SharedTexts.cut} remembers the last of. */
export type TextKind = 'path' | 'requestBody' | 'responseBody'

/**
 * The texts of a journal's recent entries (paths, bodies, header lists), each kept once: a
 * client that polls a list gets the same answer thousands of times, and a full journal of its
 * entries then holds one copy of that body instead of 10,000 (about 20 MB).
 */
export class SharedTexts {
  readonly #texts = new Map<string, Interned>()
  /**
   * The last text of each kind: a client polling one URL sends and gets the same texts in a row,
   * and comparing with the last one is cheaper than hashing it.
   */
  readonly #recent = new Map<TextKind, Interned>()
  /** The last request's header list: a polling client sends the same headers every time. */
  #headers: readonly string[] = []

  /**
   * The kept copy of an equal text and its bytes (kept from now on, the oldest kept forgotten).
   * @param view whether `text` is a slice, which keeps the text it was cut from alive: it is
   *   copied (see `bodyPreview`) if kept
   */
  intern(text: string, view = false): Interned {
    const known = this.#texts.get(text)
    if (known !== undefined) return known
    const interned = { text: view ? structuredClone(text) : text, bytes: textBytes(text) }
    this.#texts.set(interned.text, interned)
    // A Map iterates in insertion order: its first key is the oldest.
    if (this.#texts.size > INTERNED_TEXTS)
      this.#texts.delete(this.#texts.keys().next().value as string)
    return interned
  }

  /** A text cut at {@link BODY_PREVIEW_CHARS} and kept once: the last of its kind, or interned. */
  cut(text: string, kind: TextKind): Interned {
    // A view (V8 does not copy a slice): compared, and copied only when kept.
    const cut = text.length > BODY_PREVIEW_CHARS ? text.slice(0, BODY_PREVIEW_CHARS) : text
    const last = this.#recent.get(kind)
    if (last !== undefined && last.text === cut) return last
    const kept = this.intern(cut, cut !== text)
    this.#recent.set(kind, kept)
    return kept
  }

  /**
   * An equal header list kept before (names and values in turn), or a copy of this one (at its
   * length: an array grown by push holds spare room), kept from now on.
   */
  headers(pairs: readonly string[]): readonly string[] {
    const last = this.#headers
    if (last.length === pairs.length && last.every((text, i) => text === pairs[i])) return last
    this.#headers = pairs.slice()
    return this.#headers
  }

  clear(): void {
    this.#texts.clear()
    this.#recent.clear()
    this.#headers = []
  }
}

/** Distinct texts a journal remembers for sharing: at most this many previews (512 KB). */
const INTERNED_TEXTS = 256
