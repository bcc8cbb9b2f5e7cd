import { loincCode, verhoeffDigit } from "./check-digits";
import type { Random } from "./random";
import type { ClinicalValue } from "./types";

/**
 * Clinical content that must come out unchanged: columns whose names or values look like
 * identifiers to a naive detector (units, relative study times, 0/1 flags, codes), and phrases
 * in notes (eponyms, drugs, scores, tests, codes). Each split has its own vocabulary, so the
 * held-out figures show how the detector does on terms nobody tuned it for.
 */
export type Split = "dev" | "holdout";

export type ClinicalColumn = { header: string; what: string; value: (random: Random) => string };

const int = (min: number, max: number) => (random: Random) => String(random.int(min, max));
const one =
  (...values: string[]) =>
  (random: Random) =>
    random.pick(values);
const decimal =
  (min: number, max: number, places = 1) =>
  (random: Random) =>
    (min + random.next() * (max - min)).toFixed(places);
const snomed = (random: Random) => {
  const payload = `${random.int(10_000, 999_999_999)}00`;
  return `${payload}${verhoeffDigit(payload)}`;
};
const icd10 = (random: Random) =>
  `${random.pick([..."ACEFGIJKMNR"])}${random.int(0, 9)}${random.int(0, 9)}.${random.int(0, 9)}${random.chance(0.4) ? random.int(0, 9) : ""}`;

export const CLINICAL_COLUMNS: Record<Split, ClinicalColumn[]> = {
  dev: [
    { header: "Systolic BP (mm Hg)", what: "measurement with unit", value: int(95, 185) },
    { header: "tumor_size_mm", what: "measurement with unit", value: int(3, 80) },
    { header: "study_day", what: "relative study time", value: int(-14, 400) },
    { header: "visit_month", what: "relative study time", value: int(0, 24) },
    {
      header: "MAC_culture",
      what: "test result",
      value: one("positive", "negative", "contaminated"),
    },
    { header: "ip_dose_mg", what: "measurement with unit", value: one("5", "10", "20", "40") },
    { header: "case", what: "0/1 flag", value: one("0", "1") },
    { header: "age_days", what: "age in days", value: int(1, 3650) },
    {
      header: "loinc_code",
      what: "LOINC code",
      value: (random) => loincCode(String(random.int(1000, 99999))),
    },
    { header: "snomed_code", what: "SNOMED CT code", value: snomed },
    { header: "icd10", what: "ICD-10 code", value: icd10 },
    { header: "rxnorm", what: "RxNorm code", value: int(1000, 2_000_000) },
    { header: "ecog", what: "score", value: int(0, 4) },
    { header: "gleason", what: "score", value: one("3+3=6", "3+4=7", "4+3=7", "4+4=8") },
    {
      header: "test_name",
      what: "test name",
      value: one(
        "6 Minute Walk Test",
        "Timed Up and Go",
        "Mini-Mental State Examination",
        "Holter monitoring",
      ),
    },
    {
      header: "drug",
      what: "drug name",
      value: one("Eliquis", "metformin", "Ozempic", "Keytruda", "atorvastatin", "Humira"),
    },
    { header: "sex", what: "category", value: one("F", "M") },
    { header: "weight_kg", what: "measurement with unit", value: decimal(45, 130) },
  ],
  holdout: [
    { header: "Diastolic BP (mmHg)", what: "measurement with unit", value: int(50, 110) },
    { header: "lesion_diam_cm", what: "measurement with unit", value: decimal(0.3, 9) },
    { header: "cycle_day", what: "relative study time", value: int(1, 28) },
    { header: "week", what: "relative study time", value: int(0, 52) },
    { header: "AFB_smear", what: "test result", value: one("positive", "negative") },
    { header: "study_drug_mg", what: "measurement with unit", value: one("25", "50", "100") },
    { header: "control", what: "0/1 flag", value: one("0", "1") },
    { header: "age_weeks", what: "age in weeks", value: int(1, 520) },
    {
      header: "loinc",
      what: "LOINC code",
      value: (random) => loincCode(String(random.int(1000, 99999))),
    },
    { header: "sct_id", what: "SNOMED CT code", value: snomed },
    { header: "dx_icd10", what: "ICD-10 code", value: icd10 },
    { header: "rxcui", what: "RxNorm code", value: int(1000, 2_000_000) },
    { header: "kps", what: "score", value: one("50", "60", "70", "80", "90", "100") },
    { header: "nyha_class", what: "score", value: one("I", "II", "III", "IV") },
    {
      header: "assessment",
      what: "test name",
      value: one(
        "Berg Balance Scale",
        "Romberg test",
        "Montreal Cognitive Assessment",
        "Tinetti test",
      ),
    },
    {
      header: "medication",
      what: "drug name",
      value: one("Mounjaro", "rosuvastatin", "Opdivo", "Brilinta", "duloxetine", "Jardiance"),
    },
    { header: "gender", what: "category", value: one("female", "male") },
    { header: "ldl_mg_dl", what: "measurement with unit", value: int(40, 220) },
  ],
};

type Phrase = (random: Random) => ClinicalValue;
const phrase =
  (what: string, build: (random: Random) => string, keep?: (text: string) => string): Phrase =>
  (random) => {
    const text = build(random);
    return { what, text, keep: keep ? keep(text) : text };
  };
const fixed = (what: string, items: string[]): Phrase[] =>
  items.map((item) => phrase(what, () => item));

const DRUGS: Record<Split, string[]> = {
  dev: [
    "metformin",
    "lisinopril",
    "apixaban",
    "warfarin",
    "levothyroxine",
    "sertraline",
    "semaglutide",
    "pembrolizumab",
    "Eliquis",
    "Ozempic",
    "Jardiance",
    "Keytruda",
    "Humira",
    "Lipitor",
    "Xarelto",
    "Entresto",
    "Trulicity",
    "Dupixent",
    "Lyrica",
    "Coumadin",
  ],
  holdout: [
    "rosuvastatin",
    "losartan",
    "tamsulosin",
    "clopidogrel",
    "tirzepatide",
    "nivolumab",
    "ustekinumab",
    "osimertinib",
    "Mounjaro",
    "Opdivo",
    "Tagrisso",
    "Imbruvica",
    "Stelara",
    "Cosentyx",
    "Januvia",
    "Brilinta",
    "Plavix",
    "Cymbalta",
    "Rinvoq",
    "Biktarvy",
  ],
};

export function drugPhrase(split: Split): Phrase {
  return (random) => {
    const drug = random.pick(DRUGS[split]);
    const text = `${drug} ${random.pick(["5", "10", "20", "40", "100"])} mg ${random.pick(["daily", "BID", "weekly"])}`;
    return { what: "drug name", text, keep: drug };
  };
}

export const CLINICAL_PHRASES: Record<Split, Phrase[]> = {
  dev: [
    ...fixed("eponym", [
      "Hunter syndrome",
      "Barrett's esophagus",
      "Bell's palsy",
      "Foley catheter",
      "Parkinson's disease",
      "Crohn's disease",
      "Hodgkin lymphoma",
      "Cushing syndrome",
      "Graves disease",
      "Hashimoto thyroiditis",
      "Babinski sign",
      "Murphy's sign",
      "Whipple procedure",
      "Swan-Ganz catheter",
      "Holter monitor",
      "Epley maneuver",
      "Guillain-Barré syndrome",
      "Sjögren syndrome",
      "Ménière disease",
      "Raynaud phenomenon",
      "Addison disease",
      "Marfan syndrome",
      "Tourette syndrome",
      "Kawasaki disease",
      "Alzheimer's disease",
      "Down syndrome",
      "Huntington disease",
      "Wilson disease",
    ]),
    phrase("score", (r) => `Gleason score ${r.pick(["3+3=6", "3+4=7", "4+3=7"])}`),
    phrase("score", (r) => `Apgar score of ${r.int(5, 10)}`),
    phrase("score", (r) => `Glasgow Coma Scale ${r.int(8, 15)}`),
    phrase("score", (r) => `ECOG ${r.int(0, 3)}`),
    phrase("score", (r) => `NYHA class ${r.pick(["I", "II", "III"])}`),
    phrase("score", (r) => `MMSE ${r.int(18, 30)}/30`),
    phrase("score", (r) => `NIHSS ${r.int(0, 20)}`),
    phrase("score", (r) => `PHQ-9 score ${r.int(0, 27)}`),
    phrase("score", (r) => `CHA2DS2-VASc ${r.int(0, 6)}`),
    phrase("score", (r) => `Tanner stage ${r.int(1, 5)}`),
    phrase("score", (r) => `Child-Pugh class ${r.pick(["A", "B", "C"])}`),
    phrase(
      "test name",
      (r) => `6 Minute Walk Test ${r.int(200, 600)} m`,
      () => "6 Minute Walk Test",
    ),
    phrase("test name", () => "Timed Up and Go"),
    phrase("measurement", (r) => `HbA1c ${r.int(5, 11)}.${r.int(0, 9)}%`),
    phrase("measurement", (r) => `eGFR ${r.int(15, 110)}`),
    phrase("measurement", (r) => `INR ${r.int(1, 3)}.${r.int(0, 9)}`),
    phrase("measurement", (r) => `BP ${r.int(100, 170)}/${r.int(60, 99)}`),
    phrase("measurement", (r) => `strength ${r.int(3, 5)}/5`),
    phrase("measurement", (r) => `pain ${r.int(1, 9)}/10`),
    phrase("relative time", (r) => `Day ${r.int(2, 90)}`),
    phrase("relative time", (r) => `Week ${r.int(2, 52)}`),
    phrase("relative time", (r) => `C${r.int(1, 8)}D${r.pick(["1", "8", "15"])}`),
    phrase("relative time", (r) => `postoperative day ${r.int(1, 10)}`),
    phrase("code", (r) => `SNOMED ${r.pick(["44054006", "38341003", "195967001", "73211009"])}`),
    phrase("code", (r) => `LOINC ${loincCode(String(r.int(1000, 99999)))}`),
    phrase("code", (r) => `ICD-10 ${icd10(r)}`),
    phrase("code", (r) => `RxNorm ${r.int(10000, 2_000_000)}`),
  ],
  holdout: [
    ...fixed("eponym", [
      "Kaposi sarcoma",
      "Ewing sarcoma",
      "Wilms tumor",
      "Burkitt lymphoma",
      "Reye syndrome",
      "Osgood-Schlatter disease",
      "Legg-Calvé-Perthes disease",
      "Dupuytren contracture",
      "Baker cyst",
      "Colles fracture",
      "Romberg test",
      "Rinne test",
      "Phalen test",
      "Tinel sign",
      "Lachman test",
      "McMurray test",
      "Trendelenburg gait",
      "Cheyne-Stokes respiration",
      "Kussmaul breathing",
      "Korsakoff syndrome",
      "Wernicke encephalopathy",
      "Klinefelter syndrome",
      "Turner syndrome",
      "Stevens-Johnson syndrome",
      "Hirschsprung disease",
      "Kernig sign",
      "Chvostek sign",
      "Trousseau sign",
    ]),
    phrase("score", (r) => `Bishop score ${r.int(2, 12)}`),
    phrase("score", (r) => `KPS ${r.pick(["60", "70", "80", "90"])}`),
    phrase("score", (r) => `HAS-BLED ${r.int(0, 5)}`),
    phrase("score", (r) => `APACHE II ${r.int(5, 35)}`),
    phrase("score", (r) => `SOFA ${r.int(0, 15)}`),
    phrase("score", (r) => `MoCA ${r.int(15, 30)}/30`),
    phrase("score", (r) => `GAD-7 score ${r.int(0, 21)}`),
    phrase("score", (r) => `CURB-65 score ${r.int(0, 5)}`),
    phrase("score", (r) => `Berg Balance Scale ${r.int(20, 56)}`),
    phrase("score", (r) => `Beck Depression Inventory ${r.int(0, 40)}`),
    phrase("measurement", (r) => `FEV1 ${r.int(1, 4)}.${r.int(0, 9)} L`),
    phrase("measurement", (r) => `troponin 0.0${r.int(1, 9)}`),
    phrase("measurement", (r) => `TSH ${r.int(0, 9)}.${r.int(0, 9)}`),
    phrase("measurement", (r) => `HR ${r.int(50, 120)} bpm`),
    phrase("measurement", (r) => `${r.int(1, 4)}/6 murmur`),
    phrase("measurement", (r) => `power ${r.int(2, 5)}/5`),
    phrase("relative time", (r) => `Month ${r.int(2, 24)} visit`),
    phrase("relative time", (r) => `cycle ${r.int(1, 8)} day 1`),
    phrase("relative time", (r) => `POD ${r.int(1, 9)}`),
    phrase("code", (r) => `SNOMED CT ${r.pick(["22298006", "59621000", "13645005", "26929004"])}`),
    phrase("code", (r) => `LOINC code ${loincCode(String(r.int(1000, 99999)))}`),
    phrase("code", (r) => `ICD-10-CM ${icd10(r)}`),
    phrase("code", (r) => `RxCUI ${r.int(10000, 2_000_000)}`),
    phrase("code", (r) => `CPT ${r.int(10000, 99999)}`),
  ],
};

/** Person names that are also ordinary words or drug names. */
export const WORD_NAMES: Record<Split, string[]> = {
  dev: [
    "Hope",
    "Grace",
    "Will",
    "Faith",
    "Rose",
    "Hunter",
    "Mark",
    "Dawn",
    "Allegra",
    "Major",
    "Sandy",
    "Joy",
  ],
  holdout: [
    "Iris",
    "Ivy",
    "Bill",
    "Summer",
    "Bell",
    "Rich",
    "Lyrica",
    "Chance",
    "Sky",
    "Amber",
    "Heather",
    "Miles",
  ],
};

export const NICKNAMES: Record<Split, string[]> = {
  dev: ["Bobby", "Liz", "Peggy", "Chuck", "Jimmy", "Kate", "Beth", "Tony"],
  holdout: ["Bev", "Rick", "Sally", "Bert", "Patty", "Hank", "Trish", "Vinnie"],
};
