import "server-only";
import {
  CLINICAL_ABBREVIATIONS,
  CLINICAL_HEAD_NOUNS,
  CODE_SYSTEM_LABELS,
  DRUG_CONTEXT,
  DRUG_SUFFIXES,
  LEADING_STREET_TYPES,
  MONTHS,
  NAME_CUES,
  PLACE_CUE_PHRASES,
  STANDALONE_EPONYMS,
  STREET_ENDINGS,
  STREET_TYPES,
  UNITS,
  WEEKDAYS,
} from "./clinical-vocabulary";
import { dictionaries, foldName } from "./dictionaries";
import { HAN_SURNAME_SET, HANGUL_SURNAME_SET } from "./name-lists";
import type { Span } from "./patterns";

/**
 * Names, places and street addresses among the words of a value. A capitalised word is a name
 * when the file's own name fields hold it, when a title or relation precedes it ("Dr.",
 * "daughter"), when a name dictionary has it and English does not, or when it is a proper noun
 * in running text next to another name; clinical structure protects eponyms ("Bell's palsy"),
 * drugs ("Eliquis 5 mg") and scores. A proper noun the detector cannot place is flagged for
 * the participant rather than guessed.
 */
type Token = {
  start: number;
  end: number;
  text: string;
  lower: string;
  folded: string;
  isCapitalized: boolean;
  isAllCaps: boolean;
  isNumber: boolean;
  isSentenceStart: boolean;
  /** A pattern span sits between this token and the previous one. */
  isAfterBarrier: boolean;
  /** A comma, semicolon, colon or bracket (or a new sentence) comes before this token. */
  isClauseStart: boolean;
  script: "latin" | "han" | "hangul" | "other";
};

const NON_ASCII = /[^\t-~]/;
const TOKEN = /[\p{L}\p{M}][\p{L}\p{M}\p{N}'’-]*|\p{N}+[A-Za-z]?/gu;
const ABBREVIATIONS_BEFORE_PERIOD = new Set([
  "dr",
  "mr",
  "mrs",
  "ms",
  "st",
  "pt",
  "prof",
  "vs",
  "eg",
  "approx",
  "no",
  "ul",
  "al",
  "av",
  "sr",
  "sra",
  "jr",
  "mt",
  "ft",
]);
/** Words that join the parts of a test's or a measure's name ("Hemoglobin in Blood"). */
const TITLE_PREPOSITIONS = new Set(["in", "of", "or", "and", "per", "by", "for"]);
const FUNCTION_WORDS = new Set([
  "and",
  "of",
  "the",
  "for",
  "in",
  "on",
  "to",
  "with",
  "up",
  "at",
  "by",
  "or",
  "a",
  "an",
  "de",
  "la",
]);
const PARTICLES = new Set([
  "van",
  "von",
  "de",
  "da",
  "di",
  "du",
  "del",
  "della",
  "der",
  "den",
  "la",
  "le",
  "bin",
  "binti",
  "al",
  "el",
  "ibn",
  "ap",
  "dos",
  "das",
  "do",
  "ter",
  "y",
  "thi",
  "van",
]);
const UNIT_DESIGNATORS =
  /^\s*,?\s*(?:(?:Apt|Apartment|Unit|Suite|Ste|Flat|Floor|Fl|Room|Rm|Bldg|Building|Lot)\.?\s*#?\s*[A-Za-z0-9-]{1,6}|#\s*[A-Za-z0-9-]{1,6})/;
const POSTCODE_CITY =
  /^\s*,?\s*\d{4,5}(?:-\d{3,4})?(?:\s+(?:[\p{Lu}][\p{L}\p{M}'’.-]{1,30}\s?){1,3})?(?![\d-])/u;

function scriptOf(text: string): Token["script"] {
  const code = text.codePointAt(0)!;
  if (code < 0x250) return "latin";
  if (/\p{Script=Han}/u.test(text)) return "han";
  if (/\p{Script=Hangul}/u.test(text)) return "hangul";
  if (/\p{Script=Latin}/u.test(text.charAt(0))) return "latin";
  return "other";
}

function tokenize(text: string, spans: readonly Span[]): Token[] {
  const tokens: Token[] = [];
  let spanIndex = 0;
  let barrier = false;
  let previousEnd = 0;
  TOKEN.lastIndex = 0;
  for (let match = TOKEN.exec(text); match; match = TOKEN.exec(text)) {
    const start = match.index;
    const end = start + match[0].length;
    while (spanIndex < spans.length && spans[spanIndex]!.end <= start) {
      if (spans[spanIndex]!.start >= previousEnd) barrier = true;
      spanIndex += 1;
    }
    const span = spans[spanIndex];
    if (span && span.start < end) {
      barrier = true;
      continue;
    }
    const word = match[0];
    const previous = tokens.at(-1);
    // What lies between this word and the last: a stop, a clause mark, a line break.
    let hasStop = false;
    let hasPeriod = false;
    let hasClauseMark = false;
    for (let at = previousEnd; at < start; at += 1) {
      const char = text.charCodeAt(at);
      if (char === 46)
        hasPeriod = true; // .
      else if (char === 33 || char === 63 || char === 59 || char === 58 || char === 10)
        hasStop = true; // ! ? ; : newline
      else if (
        char === 44 ||
        char === 40 ||
        char === 41 ||
        char === 91 ||
        char === 93 ||
        char === 34
      )
        hasClauseMark = true; // , ( ) [ ] "
    }
    const isSentenceStart =
      !previous || hasStop || (hasPeriod && !ABBREVIATIONS_BEFORE_PERIOD.has(previous.lower));
    const firstCode = word.charCodeAt(0);
    const isNumber =
      firstCode >= 48 && firstCode <= 57 ? true : firstCode < 128 ? false : /^\p{N}/u.test(word);
    const lower = word.toLowerCase();
    const isCapitalized = !isNumber && word.charAt(0) !== lower.charAt(0);
    const bare = lower.endsWith("'s") || lower.endsWith("’s") ? lower.slice(0, -2) : lower;
    tokens.push({
      start,
      end,
      text: word,
      lower,
      folded: firstCode < 128 && !NON_ASCII.test(bare) ? bare : foldName(bare),
      isCapitalized,
      isAllCaps: isCapitalized && word.length > 1 && word === word.toUpperCase(),
      isNumber,
      isSentenceStart,
      isAfterBarrier: barrier,
      isClauseStart: isSentenceStart || hasClauseMark,
      script: firstCode < 0x250 ? "latin" : scriptOf(word),
    });
    barrier = false;
    previousEnd = end;
  }
  return tokens;
}

function hasKnownWord(text: string, knownNames: ReadonlySet<string>): boolean {
  if (knownNames.size === 0) return false;
  for (const word of text.split(/[^a-z0-9'’-]+/))
    if (word.length >= 2 && knownNames.has(word)) return true;
  return false;
}

const DRUG_ENDING = new RegExp(`(?:${DRUG_SUFFIXES.join("|")})$`);

function isDrugWord(tokens: readonly Token[], index: number): boolean {
  const token = tokens[index]!;
  if (token.lower.length >= 6 && DRUG_ENDING.test(token.lower)) return true;
  const next = tokens[index + 1];
  if (next?.isNumber && !next.isAfterBarrier) {
    const attached = next.text.replace(/^\d+/, "").toLowerCase();
    const unit = attached !== "" ? attached : (tokens[index + 2]?.lower ?? "");
    if (UNITS.has(unit)) return true;
  }
  const previous = tokens[index - 1];
  return previous !== undefined && !token.isAfterBarrier && DRUG_CONTEXT.has(previous.lower);
}

export type NameContext = {
  knownNames: ReadonlySet<string>;
  /** Flag unknown proper nouns (free text); off for short categorical values. */
  isFreeText: boolean;
};

/** Without a capital letter or a non-ASCII letter, only the file's own names can be here. */
const MAY_HOLD_NAME = /[A-Z]|[^\t-~]/;

export function findNameSpans(
  text: string,
  patternSpans: readonly Span[],
  context: NameContext,
): Span[] {
  if (!MAY_HOLD_NAME.test(text) && !hasKnownWord(text, context.knownNames)) return [];
  const tokens = tokenize(text, patternSpans);
  if (tokens.length === 0) return [];
  const { names, strongNames, english } = dictionaries();
  const words = tokens.filter((token) => !token.isNumber);
  const lowercaseWords = words.filter((token) => !token.isCapitalized).length;
  const isRunningText = words.length >= 5 && lowercaseWords * 2 >= words.length;
  const spans: Span[] = [];
  const verdict: (
    "name" | "place" | "flag" | "protected" | "word" | "ambiguous" | "unknown" | null
  )[] = tokens.map(() => null);
  const at = (index: number) => tokens[index];

  // Streets: "869 Koelpin Loaf Apt 1", "Hauptstraße 12", "Via Roma 12", "Rue de Rivoli".
  for (let index = 0; index < tokens.length; index += 1) {
    const token = tokens[index]!;
    let end = -1;
    const following = at(index + 1);
    if (
      token.isNumber &&
      /^\d{1,5}[A-Za-z]?$/.test(token.text) &&
      following &&
      !following.isAfterBarrier &&
      LEADING_STREET_TYPES.has(following.lower)
    ) {
      // "12 rue de la Paix", "7935 Voie d'Orsel"
      let look = index + 2;
      while (
        look < tokens.length &&
        look <= index + 6 &&
        !tokens[look]!.isAfterBarrier &&
        (tokens[look]!.isCapitalized ||
          PARTICLES.has(tokens[look]!.lower) ||
          /^\p{Ll}['’]\p{Lu}/u.test(tokens[look]!.text))
      )
        look += 1;
      if (look > index + 2) end = look - 1;
    } else if (token.isNumber && /^\d{1,5}[A-Za-z]?$/.test(token.text)) {
      for (let look = index + 1; look <= index + 5 && look < tokens.length; look += 1) {
        const word = tokens[look]!;
        if (word.isAfterBarrier || word.isNumber) break;
        if (!word.isCapitalized && !PARTICLES.has(word.lower)) break;
        const dotted = text.charAt(word.end) === "." ? `${word.lower}.` : word.lower;
        const bare =
          STREET_TYPES.has(word.lower) || !word.lower.endsWith("s")
            ? dotted
            : word.lower.slice(0, -1);
        if (
          (STREET_TYPES.has(bare) || STREET_ENDINGS.some((ending) => bare.endsWith(ending))) &&
          look > index + (STREET_TYPES.has(bare) ? 1 : 0)
        ) {
          const after = tokens[look + 1];
          if (!after || !CLINICAL_HEAD_NOUNS.has(after.lower) || after.isAfterBarrier) end = look;
        }
      }
    } else if (token.isCapitalized && !token.isNumber) {
      const bare = text.charAt(token.end) === "." ? `${token.lower}.` : token.lower;
      const next = at(index + 1);
      if (
        STREET_ENDINGS.some((ending) => bare.endsWith(ending) && bare.length > ending.length + 2) &&
        next?.isNumber &&
        !next.isAfterBarrier
      )
        end = index + 1;
      else if (LEADING_STREET_TYPES.has(bare) || LEADING_STREET_TYPES.has(`${bare}.`)) {
        let look = index + 1;
        while (
          look < tokens.length &&
          look <= index + 5 &&
          !tokens[look]!.isAfterBarrier &&
          (tokens[look]!.isCapitalized || PARTICLES.has(tokens[look]!.lower))
        )
          look += 1;
        if (look > index + 1 && tokens[look - 1]!.isCapitalized)
          end = tokens[look]?.isNumber && !tokens[look]!.isAfterBarrier ? look : look - 1;
      }
    }
    if (end < 0) continue;
    let spanEnd = tokens[end]!.end;
    if (text.charAt(spanEnd) === ".") spanEnd += 1;
    const unit = UNIT_DESIGNATORS.exec(text.slice(spanEnd, spanEnd + 24));
    if (unit) spanEnd += unit[0].length;
    const postcode = POSTCODE_CITY.exec(text.slice(spanEnd, spanEnd + 80));
    if (postcode) spanEnd += postcode[0].trimEnd().length;
    spans.push({
      start: token.start,
      end: spanEnd,
      type: "GEOGRAPHIC",
      action: "redacted",
      replacement: "[GEOGRAPHIC]",
    });
    for (
      let covered = index;
      covered < tokens.length && tokens[covered]!.start < spanEnd;
      covered += 1
    )
      verdict[covered] = "place";
    index = end;
  }

  // What each word can be, before looking at its neighbours.
  for (const [index, token] of tokens.entries()) {
    if (verdict[index] !== null || token.isNumber) continue;
    if (token.script === "han" || token.script === "hangul") {
      const surnames = token.script === "han" ? HAN_SURNAME_SET : HANGUL_SURNAME_SET;
      const chars = [...token.text];
      const isName =
        chars.length >= 2 &&
        chars.length <= 4 &&
        (surnames.has(chars[0]!) || surnames.has(chars.slice(0, 2).join("")));
      verdict[index] = isName ? "name" : "flag";
      continue;
    }
    const isKnown = context.knownNames.has(token.folded);
    if (!token.isCapitalized || NAME_CUES.has(token.lower)) {
      verdict[index] =
        isKnown && !english.has(token.lower) && !NAME_CUES.has(token.lower) ? "name" : "word";
      continue;
    }
    const next = at(index + 1);
    const nextWord = next && !next.isAfterBarrier ? next : undefined;
    if (
      CLINICAL_ABBREVIATIONS.has(token.lower) ||
      CODE_SYSTEM_LABELS.has(token.lower) ||
      MONTHS.has(token.lower.replace(/\.$/, "")) ||
      WEEKDAYS.has(token.lower) ||
      UNITS.has(token.lower) ||
      STANDALONE_EPONYMS.has(token.folded) ||
      STANDALONE_EPONYMS.has(token.folded.replace(/s$/, "")) ||
      (nextWord !== undefined && CLINICAL_HEAD_NOUNS.has(nextWord.lower)) ||
      isDrugWord(tokens, index)
    ) {
      verdict[index] = "protected";
      continue;
    }
    if (isKnown) {
      // The file's own names; one that is also an English word ("Will", "Go") needs context.
      verdict[index] = english.has(token.lower) ? "ambiguous" : "name";
      continue;
    }
    if (token.script === "other") {
      verdict[index] = context.isFreeText ? "flag" : "word";
      continue;
    }
    const isName = names.has(token.folded);
    const isEnglish = english.has(token.lower) || english.has(token.folded);
    // Short all-capital words are acronyms ("LON", "BMI"), not names.
    if (isName && !isEnglish)
      verdict[index] = token.isAllCaps && token.text.length <= 4 ? "word" : "name";
    else if (isName && isEnglish)
      verdict[index] = strongNames.has(token.folded) && !token.isAllCaps ? "ambiguous" : "word";
    else if (isEnglish) verdict[index] = "word";
    else
      verdict[index] =
        token.isAllCaps || token.text.length < 2 || /\d/.test(token.text) ? "word" : "unknown";
  }

  // Capitalised sequences that end in a clinical head noun are instruments or eponyms:
  // "Berg Balance Scale", "Montreal Cognitive Assessment".
  for (let index = tokens.length - 1; index >= 0; index -= 1) {
    if (!CLINICAL_HEAD_NOUNS.has(tokens[index]!.lower) || !tokens[index]!.isCapitalized) continue;
    for (let back = index - 1; back >= 0 && back >= index - 4; back -= 1) {
      const token = tokens[back]!;
      if (!token.isCapitalized || tokens[back + 1]!.isAfterBarrier || verdict[back] === "place")
        break;
      verdict[back] = "protected";
    }
  }

  // Runs of capitalised words with two or more plain words in them are titles ("Timed Up and
  // Go", "Seen by Dr."): an ambiguous word there is not taken for a name on its own.
  for (let runStart = 0; runStart < tokens.length;) {
    let runEnd = runStart;
    while (
      runEnd + 1 < tokens.length &&
      !tokens[runEnd + 1]!.isClauseStart &&
      !tokens[runEnd + 1]!.isAfterBarrier &&
      (tokens[runEnd + 1]!.isCapitalized || FUNCTION_WORDS.has(tokens[runEnd + 1]!.lower))
    )
      runEnd += 1;
    let plainWords = 0;
    for (let index = runStart; index <= runEnd; index += 1)
      if (
        tokens[index]!.isCapitalized &&
        (verdict[index] === "word" || verdict[index] === "protected")
      )
        plainWords += 1;
    if (plainWords >= 2)
      for (let index = runStart; index <= runEnd; index += 1)
        if (verdict[index] === "ambiguous") verdict[index] = "word";
    runStart = runEnd + 1;
  }

  // Titles and relations: the capitalised words after them are a name.
  for (const [index, token] of tokens.entries()) {
    if (!NAME_CUES.has(token.lower.replace(/\.$/, ""))) continue;
    if (token.isCapitalized && verdict[index] === "name") continue;
    for (let look = index + 1; look <= index + 3 && look < tokens.length; look += 1) {
      const word = tokens[look]!;
      if (word.isAfterBarrier || word.isNumber || !word.isCapitalized) break;
      if (
        MONTHS.has(word.lower) ||
        WEEKDAYS.has(word.lower) ||
        CLINICAL_ABBREVIATIONS.has(word.lower)
      )
        break;
      if (look > index + 1 && (verdict[look] === "word" || verdict[look] === "protected")) break;
      verdict[look] = "name";
    }
  }

  // Places after "moved to", "lives in", "resident of"...
  const lowerText = text.toLowerCase();
  for (const [index, token] of tokens.entries()) {
    if (
      !token.isCapitalized ||
      verdict[index] === "name" ||
      verdict[index] === "place" ||
      verdict[index] === "protected"
    )
      continue;
    const before = lowerText.slice(Math.max(0, token.start - 16), token.start).trimEnd();
    if (!PLACE_CUE_PHRASES.some((cue) => before.endsWith(cue))) continue;
    for (let look = index; look < index + 3 && look < tokens.length; look += 1) {
      const word = tokens[look]!;
      if (
        (look > index && word.isAfterBarrier) ||
        word.isNumber ||
        !word.isCapitalized ||
        verdict[look] === "protected"
      )
        break;
      verdict[look] = "place";
    }
  }

  // Neighbours: an ambiguous or unknown word next to a name is part of it.
  const isNameAt = (index: number) => verdict[index] === "name";
  for (let pass = 0; pass < 2; pass += 1) {
    for (const [index, token] of tokens.entries()) {
      const kind = verdict[index];
      if (kind !== "ambiguous" && kind !== "unknown") continue;
      const previousIsName =
        index > 0 &&
        !token.isAfterBarrier &&
        isNameAt(index - 1) &&
        tokens[index - 1]!.isCapitalized;
      const next = at(index + 1);
      const nextIsName =
        next !== undefined && !next.isAfterBarrier && isNameAt(index + 1) && next.isCapitalized;
      if (previousIsName || nextIsName) verdict[index] = "name";
    }
    for (const [index, token] of tokens.entries()) {
      if (!PARTICLES.has(token.lower) || token.isCapitalized) continue;
      // Particles between names: "Ludwig van Beethoven", "Rich van den Broek".
      let after = index + 1;
      while (
        after < tokens.length &&
        PARTICLES.has(tokens[after]!.lower) &&
        !tokens[after]!.isCapitalized
      )
        after += 1;
      const before = index - 1;
      const isCandidate = (at2: number) =>
        ["name", "ambiguous", "unknown", "flag"].includes(verdict[at2] ?? "") &&
        tokens[at2]!.isCapitalized;
      if (
        before >= 0 &&
        after < tokens.length &&
        isCandidate(before) &&
        isCandidate(after) &&
        (isNameAt(before) || isNameAt(after))
      ) {
        verdict[before] = "name";
        verdict[after] = "name";
      }
    }
  }
  for (const [index, token] of tokens.entries()) {
    // Two capitalised given-or-family names side by side: "John Smith", "Will Hunter", and a
    // name beside a word no dictionary knows: "Lee Bergnaum".
    const next = at(index + 1);
    const pair = `${verdict[index]}+${verdict[index + 1]}`;
    if (
      next &&
      !next.isAfterBarrier &&
      next.isCapitalized &&
      token.isCapitalized &&
      ["ambiguous+ambiguous", "ambiguous+unknown", "unknown+ambiguous"].includes(pair)
    ) {
      verdict[index] = "name";
      verdict[index + 1] = "name";
    }
  }
  for (const [index, token] of tokens.entries()) {
    const kind = verdict[index];
    const previous = at(index - 1);
    const isAfterTitleWord = previous !== undefined && TITLE_PREPOSITIONS.has(previous.lower);
    if (kind === "ambiguous" && isRunningText && !token.isClauseStart && !isAfterTitleWord)
      verdict[index] = "name";
    else if (kind === "unknown" && context.isFreeText && (isRunningText || words.length <= 4))
      verdict[index] = "flag";
  }

  for (const [index, token] of tokens.entries()) {
    const kind = verdict[index];
    const end = /['’]s$/.test(token.text) ? token.end - 2 : token.end;
    if (kind === "name")
      spans.push({
        start: token.start,
        end,
        type: "NAME",
        action: "redacted",
        replacement: "[NAME]",
      });
    else if (kind === "flag")
      spans.push({ start: token.start, end, type: "NAME", action: "flagged" });
    else if (
      kind === "place" &&
      !spans.some((span) => span.start <= token.start && span.end >= token.end)
    )
      spans.push({
        start: token.start,
        end: token.end,
        type: "GEOGRAPHIC",
        action: "redacted",
        replacement: "[GEOGRAPHIC]",
      });
  }
  return spans;
}
