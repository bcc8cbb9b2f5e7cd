import {
  de,
  en_GB,
  en_IN,
  en_US,
  es,
  fr,
  it,
  ko,
  nl,
  pl,
  pt_BR,
  sv,
  tr,
  vi,
  zh_CN,
} from "@faker-js/faker";
import { NICKNAMES, WORD_NAMES, type Split } from "./clinical";
import { buildBundle } from "./fhir-bundles";
import type { NoteContext } from "./notes";
import { createFakers, createRandom } from "./random";
import { buildCsv } from "./tables";
import type { CorpusFile } from "./types";

/**
 * The adversarial de-identification corpus: CSV files and FHIR Bundles with planted
 * identifiers of all 18 Safe Harbor kinds and clinical values that must stay. "dev" is what
 * the detector may be tuned on; "holdout" has its own seed, locales, headers, templates and
 * clinical vocabulary.
 */
export type { CorpusFile } from "./types";
export type { Split } from "./clinical";

const LOCALES = {
  dev: { en_US, de, fr, es, vi, zh_CN, en_GB },
  holdout: { en_US, it, pl, pt_BR, nl, ko, en_IN, sv, tr },
} as const;
const SEEDS: Record<Split, number> = { dev: 20_261_201, holdout: 90_210_777 };

export type CorpusOptions = {
  split: Split;
  csvFiles: number;
  fhirFiles: number;
  rowsPerFile: number;
  /** Ages and old birth years are relative to this date. */
  now: Date;
};

export function buildCorpus(options: CorpusOptions): CorpusFile[] {
  const random = createRandom(SEEDS[options.split]);
  const context: NoteContext = {
    random,
    fakers: createFakers(random, LOCALES[options.split]),
    now: options.now,
    split: options.split,
    wordNames: WORD_NAMES[options.split],
    nicknames: NICKNAMES[options.split],
  };
  const files: CorpusFile[] = [];
  for (let index = 0; index < options.csvFiles; index += 1)
    files.push(buildCsv(context, `${options.split}-${index}.csv`, options.rowsPerFile));
  for (let index = 0; index < options.fhirFiles; index += 1)
    files.push(buildBundle(context, `${options.split}-${index}.json`));
  return files;
}
