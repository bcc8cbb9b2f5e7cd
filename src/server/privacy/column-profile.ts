import "server-only";
import { isLoincCode, isSnomedId } from "./checksums";
import { dictionaries, foldName } from "./dictionaries";
import { addDateEvidence, newDateEvidence, parseWholeDate, type DateEvidence } from "./dates";
import { HAN_SURNAME_SET, HANGUL_SURNAME_SET } from "./name-lists";
import { isTerminologyUri } from "./patterns";

/**
 * What a column holds, learnt in one pass with bounded memory: counts of value shapes (codes,
 * digit runs, dates, names, free text...), a distinct-count sketch, numeric range, date
 * evidence (day/month order, two-digit years) and a few sample values. Memory per column is
 * fixed whatever the number of rows.
 */
export type Shape =
  | "integer"
  | "decimal"
  | "date"
  | "email"
  | "url"
  | "ip"
  | "mac"
  | "uuid"
  | "ssn"
  | "phone"
  | "digits"
  | "code"
  | "clinical code"
  | "name"
  | "proper noun"
  | "address"
  | "words"
  | "text";

const SKETCH_SIZE = 256;
const MAX_SAMPLES = 64;
const MAX_NAME_TOKENS = 50_000;
const TITLES = /^(?:dr|mr|mrs|ms|miss|mx|prof|sir|dame|rev)\.?$/i;

/** 32-bit FNV-1a of at most the first 200 characters. */
function hash(value: string): number {
  let h = 0x811c9dc5;
  const length = Math.min(value.length, 200);
  for (let index = 0; index < length; index += 1) {
    h ^= value.charCodeAt(index);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** K-minimum-values sketch: the distinct count of any number of values within a few percent. */
class DistinctSketch {
  private readonly values: number[] = [];
  add(value: string) {
    const h = hash(value);
    const values = this.values;
    if (values.length === SKETCH_SIZE && h >= values[SKETCH_SIZE - 1]!) return;
    let low = 0;
    let high = values.length;
    while (low < high) {
      const middle = (low + high) >> 1;
      if (values[middle]! < h) low = middle + 1;
      else high = middle;
    }
    if (values[low] === h) return;
    values.splice(low, 0, h);
    if (values.length > SKETCH_SIZE) values.pop();
  }
  estimate(): number {
    if (this.values.length < SKETCH_SIZE) return this.values.length;
    return Math.round((SKETCH_SIZE - 1) / (this.values[SKETCH_SIZE - 1]! / 2 ** 32));
  }
}

const copy = (value: string) => Buffer.from(value, "utf8").toString("utf8");

export class ColumnProfile {
  filled = 0;
  readonly shapes = new Map<Shape, number>();
  private readonly distinct = new DistinctSketch();
  totalLength = 0;
  totalWords = 0;
  maxLength = 0;
  min = Number.POSITIVE_INFINITY;
  max = Number.NEGATIVE_INFINITY;
  zeroOne = 0;
  leadingZeros = 0;
  fiveDigits = 0;
  readonly dates: DateEvidence = newDateEvidence();
  readonly samples: string[] = [];
  /** Name tokens seen while the column may still be a name column. */
  nameTokens: Set<string> | null = new Set();

  add(raw: string) {
    const value = raw.trim();
    if (value === "") return;
    this.filled += 1;
    this.totalLength += value.length;
    if (value.length > this.maxLength) this.maxLength = value.length;
    this.distinct.add(value);
    if (this.samples.length < MAX_SAMPLES && value.length <= 80) this.samples.push(copy(value));
    const shape = this.shapeOf(value);
    this.shapes.set(shape, (this.shapes.get(shape) ?? 0) + 1);
    if (this.nameTokens) {
      if (shape === "name" || shape === "proper noun") {
        if (this.nameTokens.size < MAX_NAME_TOKENS)
          for (const token of value.split(/[\s,]+/))
            if (!TITLES.test(token) && token.length >= 2)
              this.nameTokens.add(copy(foldName(token.replace(/[.,]$/, ""))));
      } else if (this.filled >= 200 && this.share("name") + this.share("proper noun") < 0.3)
        this.nameTokens = null;
    }
  }

  count(shape: Shape): number {
    return this.shapes.get(shape) ?? 0;
  }

  share(...shapes: Shape[]): number {
    if (this.filled === 0) return 0;
    return shapes.reduce((sum, shape) => sum + this.count(shape), 0) / this.filled;
  }

  distinctRatio(): number {
    return this.filled === 0 ? 0 : Math.min(1, this.distinct.estimate() / this.filled);
  }

  distinctCount(): number {
    return this.distinct.estimate();
  }

  averageWords(): number {
    return this.filled === 0 ? 0 : this.totalWords / this.filled;
  }

  private shapeOf(value: string): Shape {
    let words = 1;
    for (let index = 0; index < value.length && words < 8; index += 1)
      if (value.charCodeAt(index) === 32) words += 1;
    this.totalWords += words;
    if (value.length > 120 || words >= 6) return "text";
    const first = value.charCodeAt(0);
    const isDigitStart = first >= 48 && first <= 57;
    if (isDigitStart || first === 45 || first === 43 || first === 40) {
      if (/^\d{10,}$/.test(value))
        return isSnomedId(value)
          ? "clinical code"
          : value.length === 10 && /^[2-9]\d{2}[2-9]/.test(value)
            ? "phone"
            : "digits";
      if (/^-?\d{1,9}$/.test(value)) {
        const number = Number(value);
        if (value === "0" || value === "1") this.zeroOne += 1;
        if (value.length === 5 && isDigitStart) this.fiveDigits += 1;
        if (value.length > 1 && value.startsWith("0")) {
          this.leadingZeros += 1;
          return value.length >= 7 ? "digits" : "code";
        }
        if (value.length >= 7)
          return isSnomedId(value)
            ? "clinical code"
            : value.length === 10 && /^[2-9]\d{2}[2-9]/.test(value)
              ? "phone"
              : "digits";
        this.min = Math.min(this.min, number);
        this.max = Math.max(this.max, number);
        return "integer";
      }
      if (/^-?\d{1,9}[.,]\d{1,9}$/.test(value)) {
        const number = Number(value.replace(",", "."));
        this.min = Math.min(this.min, number);
        this.max = Math.max(this.max, number);
        return "decimal";
      }
      if (/^\d{1,6}-\d$/.test(value) && isLoincCode(value)) return "clinical code";
      if (/^\d{3}[- ]\d{2}[- ]\d{4}$/.test(value)) return "ssn";
      if (/^\d{5}-\d{4}$/.test(value)) {
        this.fiveDigits += 1;
        return "code";
      }
    }
    const date = parseWholeDate(value);
    if (date) {
      addDateEvidence(this.dates, date);
      return "date";
    }
    if (/^[^\s@]{1,64}@[^\s@]{1,255}\.[^\s@]{2,24}$/.test(value)) return "email";
    if (/^(?:https?:\/\/|www\.)\S+$/i.test(value))
      return isTerminologyUri(value) ? "clinical code" : "url";
    if (
      /^(?:\d{1,3}\.){3}\d{1,3}$/.test(value) ||
      (/^[0-9a-f:]{3,39}$/i.test(value) && value.includes("::")) ||
      /^(?:[0-9a-f]{1,4}:){7}[0-9a-f]{1,4}$/i.test(value)
    )
      return "ip";
    if (/^[0-9a-f]{2}(?:[:-][0-9a-f]{2}){5}$/i.test(value)) return "mac";
    if (/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value))
      return "uuid";
    if (/^[+(]?[\d\s().-]{7,22}$/.test(value)) {
      const digits = value.replace(/\D/g, "").length;
      if (digits >= 9 && digits <= 15)
        return value.startsWith("+") ||
          /^\(?\d{3}\)?[\s.-]?\d{3}[\s.-]\d{4}$/.test(value) ||
          /^0\d/.test(value)
          ? "phone"
          : "digits";
    }
    if (/^[A-TV-Z]\d[0-9A-Z](?:\.[0-9A-Z]{1,4})?$/.test(value)) return "clinical code";
    const hasDigit = /\d/.test(value);
    // Synthea-style names carry digits ("Blaine377 Hickle134"): judge the letters.
    if (
      hasDigit &&
      words <= 4 &&
      /^\p{Lu}[\p{L}'’-]+\d{1,4}(?:\s+\p{Lu}[\p{L}'’-]+\d{0,4}){0,3}$/u.test(value)
    ) {
      const shape = this.nameShape(value.replace(/\d+/g, ""));
      if (shape === "name") return shape;
    }
    if (
      hasDigit &&
      words >= 2 &&
      words <= 7 &&
      /^\d{1,5}[A-Za-z]?,?\s+[\p{Lu}\p{L}]/u.test(value) &&
      !/\d\s*(?:mg|ml|mcg|g|kg|units?|tablets?|times|days?|weeks?|months?|years?|hours?|%)\b/i.test(
        value,
      )
    )
      return "address";
    if (
      hasDigit &&
      words <= 3 &&
      /^\p{Lu}[\p{L}.'-]*(?:straße|strasse|str\.|weg|gasse|platz|allee|straat|laan|gatan|vägen)\s+\d/iu.test(
        value,
      )
    )
      return "address";
    if (
      hasDigit &&
      words <= 2 &&
      /[A-Za-z]/.test(value) &&
      value.replace(/\D/g, "").length >= 3 &&
      !/^\d+(?:[.,]\d+)?\s?[a-zA-Zµ%/]{1,8}$/.test(value)
    )
      return "code";
    if (hasDigit) return words <= 4 ? "words" : "text";
    if (words <= 4) return this.nameShape(value);
    return "text";
  }

  private nameShape(value: string): Shape {
    const tokens = value.split(/\s+/).filter((token) => !TITLES.test(token));
    if (tokens.length === 1 && /^[\p{Script=Han}\p{Script=Hangul}]{2,4}$/u.test(tokens[0]!)) {
      const first = tokens[0]!;
      return HAN_SURNAME_SET.has(first[0]!) ||
        HANGUL_SURNAME_SET.has(first[0]!) ||
        HAN_SURNAME_SET.has(first.slice(0, 2))
        ? "name"
        : "proper noun";
    }
    if (tokens.length === 0 || !tokens.every((token) => /^\p{Lu}/u.test(token))) return "words";
    const { names, english } = dictionaries();
    let nameOnly = 0;
    let nameAndWord = 0;
    let unknown = 0;
    for (const token of tokens) {
      const bare = token.replace(/[.,]$/, "");
      const folded = foldName(bare);
      const isName =
        names.has(folded) || bare.split(/[-']/).every((part) => names.has(foldName(part)));
      const isWord = english.has(bare.toLowerCase());
      if (isName && !isWord) nameOnly += 1;
      else if (isName) nameAndWord += 1;
      else if (!isWord) unknown += 1;
    }
    if (nameOnly >= 1 || (nameAndWord >= 2 && nameAndWord === tokens.length)) return "name";
    if (unknown >= 1) return "proper noun";
    return "words";
  }
}
