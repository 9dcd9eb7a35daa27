import type { Faker } from '@faker-js/faker'
import { faker as english } from '@faker-js/faker/locale/en'

type FakerClass = new (options: { locale: Faker['rawDefinitions'] }) => Faker

/**
 * A new English faker with its own seed and reference date. It is built from the `locale/en`
 * entry's instance: the root entry loads every locale (about 350 ms and 30 MB at start-up).
 */
export function createFaker(seed: number, referenceDate?: number): Faker {
  const faker = new (english.constructor as FakerClass)({ locale: english.rawDefinitions })
  faker.seed(seed)
  if (referenceDate !== undefined) faker.setDefaultRefDate(new Date(referenceDate))
  return faker
}

/** The characters `faker.string.hexadecimal` draws from, in its order. */
const HEX_CHARACTERS = [...'0123456789abcdefABCDEF']

/**
 * `length` lower-case hex digits: what `faker.string.hexadecimal({ length, casing: 'lower',
 * prefix: '' })` gives, from the same draws (one `number.int` over faker's 22 characters, both
 * cases, per digit), so a seed gives the same digits and leaves the stream where faker would.
 * @note Faker's own goes through `fromCharacters`, `helpers.multiple` and `arrayElement` for each
 * digit: a third of seeding the default scenario, where every image's digest has 64.
 */
export function lowerHex(faker: Faker, length: number): string {
  let digits = ''
  for (let i = 0; i < length; i++) digits += HEX_CHARACTERS[faker.number.int(21)]
  return digits.toLowerCase()
}
