import "server-only";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { CompactStringSet } from "./compact-string-set";

/**
 * Word lists the name detector needs, from maintained packages rather than lists typed here:
 * personal names of many origins (cspell's curated people-names list: "strong"; the larger
 * humannames list from censuses and social sites: "weak") and English words. Loaded once, on
 * first use, folded to lower-case ASCII so "Nguyễn", "Nguyễn" (NFD) and "NGUYEN" meet.
 */
type WordSet = { has: (word: string) => boolean; readonly size: number };

export type Dictionaries = {
  /** Curated personal names. */
  strongNames: WordSet;
  /** Strong names plus the census and social-media list. */
  names: WordSet;
  /** English words, lower case. */
  english: WordSet;
};

let loaded: Dictionaries | null = null;

/** A data file of a package: resolved through a file the package exports, then beside it. */
function packageFile(exported: string, relative: string): string {
  let entry: string;
  try {
    entry = createRequire(import.meta.url).resolve(exported);
  } catch {
    // Bundled server code may not resolve from its own chunk: the project's node_modules.
    entry = createRequire(path.join(process.cwd(), "package.json")).resolve(exported);
  }
  return path.join(path.dirname(entry), relative);
}

const SPECIAL_LETTERS: Record<string, string> = {
  ß: "ss",
  æ: "ae",
  ø: "o",
  œ: "oe",
  ł: "l",
  đ: "d",
  ð: "d",
  þ: "th",
  ı: "i",
};

/** Lower case, diacritics removed: the key every dictionary is stored and looked up by. */
export function foldName(word: string): string {
  const lower = word.toLowerCase();
  // Plain ASCII words are most of them: skip the Unicode work.
  let isAscii = true;
  for (let index = 0; index < lower.length && isAscii; index += 1)
    isAscii = lower.charCodeAt(index) < 128;
  if (isAscii) return lower;
  if (/^[a-z'’-]*$/.test(lower)) return lower.replace(/’/g, "'");
  return lower
    .normalize("NFD")
    .replace(/\p{M}+/gu, "")
    .replace(/[ßæøœłđðþı]/g, (char) => SPECIAL_LETTERS[char] ?? char)
    .replace(/’/g, "'");
}

function lines(file: string): string[] {
  return readFileSync(file, "utf8").split(/\r?\n/);
}

export function dictionaries(): Dictionaries {
  if (loaded) return loaded;
  const strong: string[] = [];
  for (const line of lines(
    packageFile("@cspell/dict-people-names/cspell-ext.json", "dict/people-names.txt"),
  )) {
    const word = line.trim();
    if (word.length >= 2 && !word.startsWith("#")) strong.push(foldName(word));
  }
  const all = [...strong];
  for (const line of lines(packageFile("humannames/package.json", "list.txt"))) {
    const word = line.trim();
    if (word.length >= 3) all.push(foldName(word));
  }
  const english = JSON.parse(
    readFileSync(packageFile("an-array-of-english-words/package.json", "index.json"), "utf8"),
  ) as string[];
  loaded = {
    strongNames: new CompactStringSet(strong),
    names: new CompactStringSet(all),
    english: new CompactStringSet(english),
  };
  return loaded;
}
