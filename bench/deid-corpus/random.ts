import { base, en, Faker, type LocaleDefinition } from "@faker-js/faker";

/**
 * A seeded pseudo-random source (mulberry32) so that a corpus is the same on every machine and
 * every run, and faker instances seeded from it.
 */
export type Random = {
  next: () => number;
  int: (min: number, max: number) => number;
  pick: <T>(items: readonly T[]) => T;
  chance: (probability: number) => boolean;
  digits: (count: number) => string;
  letters: (count: number, alphabet?: string) => string;
};

export function createRandom(seed: number): Random {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (min: number, max: number) => min + Math.floor(next() * (max - min + 1));
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!;
  return {
    next,
    int,
    pick,
    chance: (probability) => next() < probability,
    digits: (count) => Array.from({ length: count }, () => String(int(0, 9))).join(""),
    letters: (count, alphabet = "ABCDEFGHJKLMNPRSTUVWXYZ") =>
      Array.from({ length: count }, () => pick([...alphabet])).join(""),
  };
}

/** One faker per locale, each seeded from the corpus seed, falling back to English then base. */
export function createFakers(
  random: Random,
  locales: Record<string, LocaleDefinition>,
): Record<string, Faker> {
  return Object.fromEntries(
    Object.entries(locales).map(([name, locale]) => {
      const faker = new Faker({ locale: [locale, en, base] });
      faker.seed(random.int(1, 2 ** 31));
      return [name, faker];
    }),
  );
}
