import type { IdentifierType } from "./identifier-types";

/**
 * What to do with a column, judged by its header alone. Values are scanned whatever the
 * header says, so a misleading header only loses the column-level rule, not the protection.
 */
export type ColumnRule =
  | { action: "drop"; type: IdentifierType }
  | { action: "pseudonym" }
  | { action: "birthdate" }
  | { action: "date" }
  | { action: "zip" }
  | { action: "age" }
  | { action: "scan" };

type Rule = { rule: ColumnRule; matches: (tokens: string[], joined: string) => boolean };

const has =
  (...words: string[]) =>
  (tokens: string[]) =>
    tokens.some((token) => words.includes(token));
const joinedHas =
  (...parts: string[]) =>
  (_tokens: string[], joined: string) =>
    parts.some((part) => joined.includes(part));
const either =
  (...tests: ((tokens: string[], joined: string) => boolean)[]) =>
  (tokens: string[], joined: string) =>
    tests.some((test) => test(tokens, joined));

/** Name columns that describe clinical things, not people. */
const CLINICAL_NAME_CONTEXT = has(
  "drug",
  "medication",
  "medicine",
  "test",
  "lab",
  "procedure",
  "condition",
  "code",
  "product",
  "vaccine",
  "allergen",
  "substance",
  "organism",
  "specimen",
  "panel",
  "observation",
  "body",
  "site",
  "study",
  "trial",
  "unit",
  "units",
  "column",
  "file",
  "field",
  "brand",
  "generic",
  "organization",
);

const RULES: Rule[] = [
  {
    rule: { action: "drop", type: "SSN" },
    matches: either(has("ssn"), joinedHas("socialsecurity")),
  },
  {
    rule: { action: "drop", type: "MRN" },
    matches: either(has("mrn"), joinedHas("medicalrecord", "recordnumber", "chartnumber")),
  },
  {
    rule: { action: "drop", type: "HEALTH_PLAN" },
    matches: either(
      has("beneficiary", "subscriber", "insurance", "medicaid", "medicare"),
      joinedHas(
        "healthplan",
        "memberid",
        "membernumber",
        "policynumber",
        "policyid",
        "groupnumber",
      ),
    ),
  },
  {
    rule: { action: "drop", type: "ACCOUNT" },
    matches: either(
      has("account", "acct", "iban", "card", "routing"),
      joinedHas("accountnumber", "creditcard"),
    ),
  },
  {
    rule: { action: "drop", type: "LICENSE" },
    matches: either(
      has("license", "licence", "passport", "certificate", "dea", "drivers", "driver"),
      joinedHas("licensenumber", "licencenumber"),
    ),
  },
  { rule: { action: "drop", type: "VEHICLE" }, matches: either(has("vin", "plate", "vehicle")) },
  {
    rule: { action: "drop", type: "DEVICE" },
    matches: either(has("serial", "udi", "imei", "mac"), joinedHas("deviceid", "serialnumber")),
  },
  {
    rule: { action: "drop", type: "URL" },
    matches: either(has("url", "uri", "website", "homepage", "web", "link")),
  },
  {
    rule: { action: "drop", type: "IP" },
    matches: either(has("ip", "ipv4", "ipv6"), joinedHas("ipaddress")),
  },
  {
    rule: { action: "drop", type: "EMAIL" },
    matches: either(has("email", "mail"), joinedHas("email")),
  },
  { rule: { action: "drop", type: "FAX" }, matches: has("fax", "facsimile") },
  {
    rule: { action: "drop", type: "PHONE" },
    matches: either(
      has("phone", "telephone", "tel", "mobile", "cellphone", "pager"),
      joinedHas("phonenumber", "contactnumber", "areacode"),
    ),
  },
  {
    rule: { action: "drop", type: "BIOMETRIC" },
    matches: has("fingerprint", "biometric", "retina", "iris", "voiceprint"),
  },
  {
    rule: { action: "drop", type: "PHOTO" },
    matches: has("photo", "photograph", "image", "picture", "selfie", "headshot"),
  },
  {
    rule: { action: "drop", type: "GEOGRAPHIC" },
    matches: either(
      has(
        "address",
        "addr",
        "street",
        "line1",
        "line2",
        "house",
        "apartment",
        "apt",
        "city",
        "county",
        "town",
        "village",
        "precinct",
        "borough",
        "municipality",
        "neighborhood",
        "neighbourhood",
        "lat",
        "latitude",
        "lon",
        "lng",
        "longitude",
        "coordinates",
        "geo",
        "birthplace",
        "residence",
      ),
      joinedHas("streetaddress", "homeaddress", "placeofbirth"),
    ),
  },
  {
    rule: { action: "zip" },
    matches: either(
      has("zip", "zipcode", "postal", "postcode", "zip5", "zip9"),
      joinedHas("zipcode", "postalcode"),
    ),
  },
  {
    rule: { action: "birthdate" },
    matches: either(
      has("dob", "birthdate", "birthday"),
      joinedHas("dateofbirth", "birthdate", "birthtime"),
    ),
  },
  {
    rule: { action: "drop", type: "DATE" },
    matches: (tokens) =>
      tokens.some((token) => ["month", "day", "dd", "mm", "weekday", "dom"].includes(token)),
  },
  { rule: { action: "age" }, matches: (tokens) => tokens[0] === "age" || tokens.includes("age") },
  {
    rule: { action: "drop", type: "NAME" },
    matches: (tokens, joined) =>
      !CLINICAL_NAME_CONTEXT(tokens) &&
      (tokens.some((token) =>
        [
          "name",
          "names",
          "firstname",
          "lastname",
          "surname",
          "forename",
          "maiden",
          "nickname",
          "alias",
          "initials",
          "prefix",
          "suffix",
          "fullname",
          "givenname",
          "familyname",
          "middlename",
        ].includes(token),
      ) ||
        ["first", "last", "given", "family", "middle", "forenames"].includes(joined)),
  },
  {
    rule: { action: "pseudonym" },
    matches: (tokens) =>
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
        "member",
        "case",
      ].includes(tokens.at(-1) ?? "") ||
      (tokens.length <= 3 &&
        tokens.some((token) => ["patient", "subject", "participant", "person"].includes(token)) &&
        tokens.some((token) => ["id", "number", "no", "num", "key"].includes(token))),
  },
  {
    rule: { action: "date" },
    matches: has(
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
      "visit",
    ),
  },
];

export function headerTokens(header: string): string[] {
  return header
    .replace(/([a-z])([A-Z])/g, "$1_$2")
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
}

export function classifyColumn(header: string): ColumnRule {
  const tokens = headerTokens(header);
  const joined = tokens.join("");
  return RULES.find((candidate) => candidate.matches(tokens, joined))?.rule ?? { action: "scan" };
}
