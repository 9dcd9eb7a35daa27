/**
 * `build`'s value, built at the first call and kept. For what would otherwise be built while its
 * module loads and is not needed to start: a zod schema of many fields takes milliseconds to
 * build, and the standalone server loads every schema of every vendor and of the fault rules.
 */
export function lazy<T>(build: () => T): () => T {
  let built: { value: T } | undefined
  return () => {
    built ??= { value: build() }
    return built.value
  }
}
