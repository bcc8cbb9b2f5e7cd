import "server-only";
import type { IdentifierType } from "./identifier-types";

/**
 * What a column's header says about it. A strong hint decides on its own ("ssn", "email"); a
 * weak one ("ip", "mac", "case", "record") needs the values to agree, since "ip_dose_mg" is
 * an investigational product, "MAC_culture" a mycobacterium and "case" a 0/1 flag. Headers are
 * only half the story: the column's values are profiled whatever the header says.
 */
export type AgeUnit = "years" | "months" | "weeks" | "days" | "hours";

export type HeaderHint =
  | { kind: "identifier"; type: IdentifierType; isStrong: boolean }
  | { kind: "pseudonym"; isStrong: boolean }
  | { kind: "birthdate" }
  | { kind: "date" }
  | { kind: "date part"; isBirth: boolean }
  | { kind: "zip" }
  | { kind: "age"; unit: AgeUnit }
  | { kind: "measurement" }
  | { kind: "relative time" }
  | { kind: "code" }
  | { kind: "free text" }
  | { kind: "none" };

export function headerTokens(header: string): string[] {
  return header
    .replace(/([a-z])([A-Z])/g, "$1_$2")
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
}

const words = (list: string) => new Set(list.split(" "));

const CLINICAL_CONTEXT = words(
  "drug medication medicine test lab procedure condition code product vaccine allergen substance organism specimen panel observation body site study trial unit units column file field brand generic organization facility hospital clinic device",
);
const NAME_WORDS = words(
  "name names firstname lastname surname forename maiden nickname alias initials fullname givenname familyname middlename kin prefix suffix",
);
const UNIT_WORDS = words(
  "mm cm m km mg mcg ug g kg ml l dl mmhg hg bpm pct percent mmol umol nmol meq iu lbs lb in ft sec min hr hrs kgm2 bmi mgdl mmoll gdl ngml",
);
const MEASUREMENT_CONTEXT = words(
  "size diameter diam length width height weight dose dosage volume area thickness depth score level count rate pressure bp sbp dbp systolic diastolic temp temperature value result concentration",
);
const RELATIVE_CONTEXT = words(
  "study cycle since rel relative post postop followup fu treatment trial protocol visit baseline on of from after",
);
const CODE_WORDS = words(
  "loinc snomed sct sctid icd icd9 icd10 rxnorm rxcui ndc cpt hcpcs atc meddra code codes",
);
const TEXT_WORDS = words(
  "note notes comment comments narrative remarks remark history text summary freetext memo",
);
const AGE_UNITS: Record<string, AgeUnit> = {
  days: "days",
  day: "days",
  d: "days",
  weeks: "weeks",
  week: "weeks",
  wk: "weeks",
  wks: "weeks",
  months: "months",
  month: "months",
  mo: "months",
  mos: "months",
  hours: "hours",
  hrs: "hours",
  h: "hours",
  years: "years",
  yrs: "years",
  y: "years",
};

type Rule = { hint: HeaderHint; matches: (tokens: string[], joined: string) => boolean };
const has = (list: string) => {
  const set = words(list);
  return (tokens: string[]) => tokens.some((token) => set.has(token));
};
const joinedHas = (list: string) => (_tokens: string[], joined: string) =>
  list.split(" ").some((part) => joined.includes(part));
const either =
  (...tests: ((tokens: string[], joined: string) => boolean)[]) =>
  (tokens: string[], joined: string) =>
    tests.some((test) => test(tokens, joined));
const numberWord = has("no num number nbr nr");
const identifier = (type: IdentifierType, isStrong = true): HeaderHint => ({
  kind: "identifier",
  type,
  isStrong,
});

const RULES: Rule[] = [
  { hint: identifier("SSN"), matches: either(has("ssn"), joinedHas("socialsecurity")) },
  {
    hint: identifier("MRN"),
    matches: either(
      has("mrn"),
      joinedHas("medicalrecord recordnumber chartnumber chartno hospitalno hospitalnumber"),
      (tokens) => tokens.includes("chart") && numberWord(tokens),
    ),
  },
  {
    hint: identifier("HEALTH_PLAN"),
    matches: either(
      has("beneficiary subscriber insurance medicaid medicare payer"),
      joinedHas("healthplan memberid membernumber memberno policynumber policyid groupnumber"),
    ),
  },
  {
    hint: identifier("ACCOUNT"),
    matches: either(
      has("account acct iban routing"),
      joinedHas("accountnumber creditcard cardnumber"),
    ),
  },
  {
    hint: identifier("LICENSE"),
    matches: either(
      has("license licence passport certificate dea drivers driver npi"),
      joinedHas("licensenumber licencenumber"),
    ),
  },
  { hint: identifier("VEHICLE"), matches: has("vin plate vehicle") },
  {
    hint: identifier("DEVICE"),
    matches: either(
      has("serial udi imei sn"),
      joinedHas("deviceid serialnumber macaddress macaddr"),
    ),
  },
  { hint: identifier("DEVICE", false), matches: has("mac") },
  { hint: identifier("URL"), matches: has("url uri website homepage web") },
  { hint: identifier("URL", false), matches: has("link") },
  { hint: identifier("IP"), matches: either(has("ipv4 ipv6"), joinedHas("ipaddress ipaddr")) },
  { hint: identifier("IP", false), matches: has("ip") },
  { hint: identifier("EMAIL"), matches: either(has("email mail"), joinedHas("email")) },
  { hint: identifier("FAX"), matches: has("fax facsimile") },
  {
    hint: identifier("PHONE"),
    matches: either(
      has("phone telephone tel mobile cellphone pager cell"),
      joinedHas("phonenumber contactnumber areacode"),
      (tokens) => tokens.includes("ph") && numberWord(tokens),
    ),
  },
  { hint: identifier("BIOMETRIC"), matches: has("fingerprint biometric retina voiceprint") },
  { hint: identifier("PHOTO"), matches: has("photo photograph image picture selfie headshot") },
  {
    hint: identifier("OTHER_ID"),
    matches: either(has("nhs sin badge barcode"), joinedHas("nationalid employeeid")),
  },
  {
    hint: identifier("GEOGRAPHIC"),
    matches: either(
      has(
        "address addr street line1 line2 house apartment apt city county town hometown village precinct borough municipality neighborhood neighbourhood lat latitude lon lng longitude coordinates geo birthplace residence",
      ),
      joinedHas("streetaddress homeaddress placeofbirth"),
    ),
  },
  {
    hint: { kind: "zip" },
    matches: (tokens) =>
      tokens.some(
        (token) =>
          token.startsWith("zip") ||
          token === "postal" ||
          token === "postcode" ||
          token === "postalcode",
      ),
  },
  {
    hint: { kind: "birthdate" },
    matches: either(
      has("dob birthdate birthday"),
      joinedHas("dateofbirth birthdate birthtime birthyear birthdt"),
    ),
  },
];

export function headerHint(header: string): HeaderHint {
  const tokens = headerTokens(header);
  const joined = tokens.join("");
  const isClinical = tokens.some((token) => CLINICAL_CONTEXT.has(token));
  const hasUnit = tokens.some((token) => UNIT_WORDS.has(token));
  const isBirth = tokens.some((token) => token === "birth" || token === "dob" || token === "born");
  const isDatePart =
    tokens.some((token) => ["month", "day", "dd", "weekday", "dom", "mon"].includes(token)) ||
    (tokens.includes("mm") &&
      !tokens.includes("hg") &&
      !tokens.some((token) => MEASUREMENT_CONTEXT.has(token)));

  // A weak hint only counts when nothing else in the header says more.
  const rule = RULES.find((candidate) => candidate.matches(tokens, joined));
  if (rule && !(rule.hint.kind === "identifier" && !rule.hint.isStrong)) return rule.hint;
  const weak = rule?.hint;
  const ageAt = tokens.indexOf("age");
  if (ageAt >= 0 && !isClinical) {
    const unit = tokens.map((token) => AGE_UNITS[token]).find((value) => value !== undefined);
    return { kind: "age", unit: unit ?? "years" };
  }
  if (
    tokens.some((token) => TEXT_WORDS.has(token)) &&
    !tokens.some((token) => NAME_WORDS.has(token))
  )
    return { kind: "free text" };
  if (tokens.some((token) => CODE_WORDS.has(token)) && !isBirth) return { kind: "code" };
  if (tokens.some((token) => NAME_WORDS.has(token)) && !isClinical) return identifier("NAME");
  if (["first", "last", "given", "family", "middle", "forenames"].includes(joined))
    return identifier("NAME");
  if (isDatePart) {
    if (isBirth) return { kind: "date part", isBirth: true };
    if (tokens.some((token) => RELATIVE_CONTEXT.has(token))) return { kind: "relative time" };
    if (!hasUnit) return { kind: "date part", isBirth: false };
  }
  if (tokens.some((token) => ["week", "weeks", "wk", "cycle"].includes(token)))
    return { kind: "relative time" };
  if (
    hasUnit ||
    (tokens.some((token) => MEASUREMENT_CONTEXT.has(token)) && !tokens.includes("date"))
  )
    return { kind: "measurement" };
  if (weak) return weak;
  const last = tokens.at(-1) ?? "";
  if (
    [
      "id",
      "uuid",
      "guid",
      "patient",
      "subject",
      "participant",
      "person",
      "pid",
      "encounter",
    ].includes(last)
  )
    return { kind: "pseudonym", isStrong: !isClinical };
  if (
    tokens.length <= 3 &&
    tokens.some((token) => ["patient", "subject", "participant", "person"].includes(token)) &&
    tokens.some((token) => ["id", "number", "no", "num", "key"].includes(token))
  )
    return { kind: "pseudonym", isStrong: true };
  if (["case", "record", "member", "key", "ref"].includes(last))
    return { kind: "pseudonym", isStrong: false };
  if (
    tokens.some((token) =>
      [
        "date",
        "datetime",
        "timestamp",
        "time",
        "start",
        "stop",
        "end",
        "onset",
        "admitted",
        "discharged",
        "deceased",
        "death",
        "deathdate",
        "recorded",
        "issued",
        "effective",
        "dt",
      ].includes(token),
    )
  )
    return { kind: "date" };
  return { kind: "none" };
}
