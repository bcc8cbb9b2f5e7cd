import type { CellTruth, CorpusFile, Kept, Planted } from "./types";

/**
 * Scores de-identified output against the corpus's truth: a planted identifier leaks when any
 * of its leak strings is still in its cell (FHIR: anywhere in the file's output), as a whole
 * token in NFC; a clinical value is kept when its keep string is still there.
 */
export type FileOutput = {
  headers: string[];
  rows: string[][];
  /** For each output column, the input column it came from. */
  sourceColumns: number[];
};

export type Outcome = {
  planted: { item: Planted; isLeaked: boolean }[];
  kept: { item: Kept; isKept: boolean }[];
  wrongYears: { expected: number; got: string }[];
};

const isWordChar = (char: string | undefined) => char !== undefined && /[\p{L}\p{N}]/u.test(char);

export function containsToken(haystack: string, needle: string): boolean {
  if (needle === "") return false;
  const text = haystack.normalize("NFC");
  const token = needle.normalize("NFC");
  for (let at = text.indexOf(token); at >= 0; at = text.indexOf(token, at + 1)) {
    const before = at > 0 ? text.charAt(at - 1) : undefined;
    const after = text.charAt(at + token.length);
    // "90" is not left in "90+": a plus after a number is the generalisation.
    if (!isWordChar(before) && !isWordChar(after) && after !== "+") return true;
  }
  return false;
}

function scoreCell(truth: CellTruth, text: string, outcome: Outcome, isWholeFile = false) {
  for (const item of truth.planted) {
    const isLeaked = item.leak.some((leak) => containsToken(text, leak));
    outcome.planted.push({ item, isLeaked });
    // A wrong century shows in the date's own cell; a whole FHIR file has many other years.
    if (item.year !== undefined && item.placement !== "free text" && !isWholeFile) {
      const years = text.match(/\b(1[89]\d\d|20\d\d)\b/g) ?? [];
      for (const year of years)
        if (Number(year) !== item.year) outcome.wrongYears.push({ expected: item.year, got: year });
    }
  }
  for (const item of truth.kept)
    outcome.kept.push({ item, isKept: containsToken(text, item.keep) });
}

export function scoreFile(file: CorpusFile, output: FileOutput | { text: string }): Outcome {
  const outcome: Outcome = { planted: [], kept: [], wrongYears: [] };
  if (file.format === "fhir") {
    scoreCell(file.truth, "text" in output ? output.text : "", outcome, true);
    return outcome;
  }
  const table = output as FileOutput;
  const outputColumnOf = new Map(table.sourceColumns.map((source, position) => [source, position]));
  for (const [column, truth] of file.headerTruth.entries()) {
    const position = outputColumnOf.get(column);
    scoreCell(truth, position === undefined ? "" : (table.headers[position] ?? ""), outcome);
  }
  for (const [row, cells] of file.truth.entries()) {
    for (const [column, truth] of cells.entries()) {
      const position = outputColumnOf.get(column);
      scoreCell(truth, position === undefined ? "" : (table.rows[row]?.[position] ?? ""), outcome);
    }
  }
  return outcome;
}
