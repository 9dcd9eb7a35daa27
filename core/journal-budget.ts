/** What the shared bound sees of a session's journal. */
export interface BudgetedJournal {
  /** Bytes of paths, queries and bodies the journal holds. */
  readonly bytes: number
  /** Drops the journal's oldest entry; false when only its newest is left. */
  shed(): boolean
}

/**
 * Bytes the journals of all sessions of one mock hold at most together, by default: a hundred
 * sessions at their own bound would hold 3.2 GB, more than a default heap.
 */
export const DEFAULT_JOURNALS_BYTES = 256 * 2 ** 20

/**
 * The bound the journals of all sessions of one mock share. When an entry puts their total over
 * it, the largest journal gives up its oldest entries (each keeps its newest), so a busy session
 * makes room from its own history first and a quiet one keeps its entries.
 */
export class JournalBudget {
  #used = 0
  readonly #journals = new Set<BudgetedJournal>()

  constructor(readonly maxBytes = DEFAULT_JOURNALS_BYTES) {
    if (!(maxBytes > 0)) throw new RangeError("the journals' byte bound must be positive")
  }

  /** @internal a journal joins when made, leaves when its session goes. */
  join(journal: BudgetedJournal): void {
    this.#journals.add(journal)
  }

  /** @internal */
  leave(journal: BudgetedJournal): void {
    this.#journals.delete(journal)
  }

  /** @internal a journal's bytes changed by `delta`. */
  add(delta: number): void {
    this.#used += delta
  }

  /** @internal after a journal grew: while over the bound, the largest journal sheds. */
  settle(): void {
    while (this.#used > this.maxBytes) {
      let largest: BudgetedJournal | undefined
      for (const journal of this.#journals) {
        if (!largest || journal.bytes > largest.bytes) largest = journal
      }
      if (!largest?.shed()) return
    }
  }
}
