import "server-only";
import { stem } from "porter2";

/**
 * Words to index terms, the same way for listings and for what researchers type: lower case,
 * split on anything that is not a letter or a digit, PostgreSQL's English stop words dropped,
 * Porter2 (Snowball English) stems. Whatever is typed — quotes, operators, NUL bytes — is read
 * as plain words, so no input is a syntax error.
 */
export const STOP_WORDS = new Set(
  (
    "i me my myself we our ours ourselves you your yours yourself yourselves he him his himself " +
    "she her hers herself it its itself they them their theirs themselves what which who whom " +
    "this that these those am is are was were be been being have has had having do does did " +
    "doing a an the and but if or because as until while of at by for with about against " +
    "between into through during before after above below to from up down in out on off over " +
    "under again further then once here there when where why how all any both each few more " +
    "most other some such no nor not only own same so than too very s t can will just don " +
    "should now"
  ).split(" "),
);

/** A search never needs more words than this; the rest of a pasted essay is ignored. */
export const MAX_QUERY_TERMS = 12;
const MAX_WORD_LENGTH = 40;
const MAX_QUERY_LENGTH = 2_000;
const WORD = /[\p{L}\p{N}]+/gu;
// Most listings are plain ASCII: NFKC leaves such text as it is, and a letter or digit is then
// one of these, which a simpler pattern finds several times faster.
const ASCII_WORD = /[a-z0-9]+/g;
const NON_ASCII = /[^ -~\t\n\r]/;
const ASCII_LETTERS = /^[a-z]+$/;

// Listings repeat a small vocabulary: stemming each word once saves most of an index load.
const stems = new Map<string, string>();
const MAX_CACHED_STEMS = 200_000;

function toTerm(word: string): string | null {
  if (word.length > MAX_WORD_LENGTH || STOP_WORDS.has(word)) return null;
  if (!ASCII_LETTERS.test(word)) return word;
  let term = stems.get(word);
  if (term === undefined) {
    term = stem(word);
    if (stems.size >= MAX_CACHED_STEMS) stems.clear();
    stems.set(word, term);
  }
  return term;
}

/** Adds the distinct terms of a text to `terms`, in order of first appearance, up to `limit`. */
export function addSearchTerms(
  text: string,
  terms: Set<string>,
  limit = Number.POSITIVE_INFINITY,
): void {
  const isAscii = !NON_ASCII.test(text);
  const words = isAscii ? text.toLowerCase() : text.normalize("NFKC").toLowerCase();
  // exec rather than matchAll: no iterator per text (an index load runs this millions of times).
  const pattern = isAscii ? ASCII_WORD : WORD;
  pattern.lastIndex = 0;
  for (let match = pattern.exec(words); match !== null; match = pattern.exec(words)) {
    if (terms.size >= limit) break;
    const term = toTerm(match[0]);
    if (term !== null) terms.add(term);
  }
}

/** Distinct terms of a text, in order of first appearance. */
export function toSearchTerms(text: string, limit = Number.POSITIVE_INFINITY): string[] {
  const terms = new Set<string>();
  addSearchTerms(text, terms, limit);
  return [...terms];
}

/** The terms of a researcher's query: every one must match. */
export function toQueryTerms(query: string | undefined): string[] {
  if (!query) return [];
  // A cut through a word would search for a fragment of it: cut before it instead.
  const text =
    query.length > MAX_QUERY_LENGTH
      ? query.slice(0, MAX_QUERY_LENGTH).replace(/[\p{L}\p{N}]+$/u, "")
      : query;
  return toSearchTerms(text, MAX_QUERY_TERMS);
}
