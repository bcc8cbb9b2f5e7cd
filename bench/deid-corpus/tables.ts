import { CLINICAL_COLUMNS, type Split } from "./clinical";
import {
  dateValue,
  DATE_GENERATORS,
  GEOGRAPHIC_GENERATORS,
  ID_GENERATORS,
  NAME_GENERATORS,
  personName,
  PHONE_GENERATORS,
  type DateFormat,
} from "./identifiers";
import { NOTE_TEMPLATES, type NoteContext } from "./notes";
import type { CellTruth, CorpusCsv, PlantedValue, SafeHarborKind } from "./types";

/**
 * CSV files of the corpus: a subject id, identifier columns under telling and under
 * uninformative headers, clinical columns that must stay, and free-text notes; sometimes an
 * identifier in a header cell.
 */
type IdColumn = { header: string; value: (context: NoteContext) => PlantedValue };

const id = (kind: SafeHarborKind, variant: string) => (context: NoteContext) =>
  ID_GENERATORS[kind]![variant]!(context);
const name = (variant: string) => (context: NoteContext) => NAME_GENERATORS[variant]!(context);
const place = (variant: string) => (context: NoteContext) =>
  GEOGRAPHIC_GENERATORS[variant]!(context);
const phone = (variant: string) => (context: NoteContext) => PHONE_GENERATORS[variant]!(context);
const dates = (format: DateFormat, range?: [number, number]) => (context: NoteContext) =>
  dateValue(context, format, range);
const firstOnly = (context: NoteContext): PlantedValue => {
  const person = personName(context);
  const text = person.variant === "cjk-name" ? person.text : person.first;
  return { kind: "NAME", variant: "first-name", text, leak: [text.normalize("NFC")] };
};

const NAMED: Record<Split, IdColumn[]> = {
  dev: [
    { header: "patient_name", value: name("full") },
    { header: "first_name", value: firstOnly },
    { header: "referring_physician", value: name("titled") },
    { header: "next_of_kin", value: name("full") },
    { header: "street_address", value: place("street") },
    { header: "city", value: place("city") },
    { header: "zip_code", value: place("zip") },
    { header: "date_of_birth", value: dates("iso", [1922, 2005]) },
    { header: "admission_date", value: dates("us-slash") },
    { header: "phone_number", value: phone("us-dash") },
    { header: "mobile", value: phone("uk-intl") },
    { header: "fax_number", value: id("FAX", "us-dash") },
    { header: "email", value: id("EMAIL", "plain") },
    { header: "ssn", value: id("SSN", "dashed") },
    { header: "mrn", value: id("MRN", "bare") },
    { header: "insurance_member_id", value: id("HEALTH_PLAN", "member") },
    { header: "account_number", value: id("ACCOUNT", "prefixed") },
    { header: "drivers_license", value: id("LICENSE", "state-dl") },
    { header: "vin", value: id("VEHICLE", "vin") },
    { header: "device_serial", value: id("DEVICE", "serial") },
    { header: "udi", value: id("DEVICE", "udi-gs1") },
    { header: "mac_address", value: id("DEVICE", "mac") },
    { header: "website", value: id("URL", "personal") },
    { header: "ip_address", value: id("IP", "v4") },
    { header: "fingerprint_hash", value: id("BIOMETRIC", "fingerprint") },
    { header: "photo", value: id("PHOTO", "file") },
    { header: "nhs_number", value: id("OTHER_ID", "nhs") },
  ],
  holdout: [
    { header: "full_name", value: name("full") },
    { header: "surname", value: (context) => ({ ...firstOnly(context), variant: "surname" }) },
    { header: "attending_physician", value: name("titled") },
    { header: "emergency_contact", value: name("nickname") },
    { header: "home_address", value: place("street") },
    { header: "town", value: place("city") },
    { header: "postcode", value: place("uk-postcode") },
    { header: "birth_date", value: dates("eu-dot", [1922, 2005]) },
    { header: "discharge_date", value: dates("long") },
    { header: "contact_phone", value: phone("us-paren") },
    { header: "fax", value: id("FAX", "uk-intl") },
    { header: "email_address", value: id("EMAIL", "tagged") },
    { header: "social_security_number", value: id("SSN", "spaced") },
    { header: "medical_record_number", value: id("MRN", "letters") },
    { header: "medicaid_id", value: id("HEALTH_PLAN", "mbi") },
    { header: "iban", value: id("ACCOUNT", "iban") },
    { header: "passport_number", value: id("LICENSE", "passport") },
    { header: "license_plate", value: id("VEHICLE", "plate") },
    { header: "imei", value: id("DEVICE", "imei") },
    { header: "ipv6_address", value: id("IP", "v6-full") },
    { header: "profile_url", value: id("URL", "social") },
    { header: "voiceprint_id", value: id("BIOMETRIC", "voiceprint") },
    { header: "face_image", value: id("PHOTO", "url") },
    { header: "sin", value: id("OTHER_ID", "sin") },
    { header: "employee_id", value: id("OTHER_ID", "badge") },
  ],
};

const UNINFORMATIVE: Record<Split, IdColumn[]> = {
  dev: [
    { header: "hospital_no", value: id("MRN", "bare") },
    { header: "chart_no", value: id("MRN", "dashed") },
    { header: "payer_member_no", value: id("HEALTH_PLAN", "member") },
    { header: "pacemaker_sn", value: id("DEVICE", "model-serial") },
    { header: "hometown", value: place("city") },
    { header: "badge_number", value: id("OTHER_ID", "badge") },
    { header: "biobank_barcode", value: id("OTHER_ID", "barcode") },
    { header: "zipcd", value: place("zip") },
    { header: "ph_no", value: phone("us-bare") },
    { header: "record", value: id("MRN", "prefixed") },
    { header: "contact", value: name("full") },
    { header: "ref", value: id("SSN", "bare") },
    { header: "when", value: dates("eu-two-digit", [1935, 2023]) },
    { header: "loc", value: place("street") },
    { header: "kin", value: name("word-name") },
    { header: "node", value: id("IP", "v6-full") },
    { header: "tag", value: id("DEVICE", "mac") },
    { header: "link", value: id("URL", "bare") },
    { header: "col_q", value: id("ACCOUNT", "card") },
    { header: "fp", value: id("BIOMETRIC", "iris-hash") },
  ],
  holdout: [
    { header: "reg_no", value: id("MRN", "letters") },
    { header: "enc_ref", value: id("ACCOUNT", "bare") },
    { header: "aux_1", value: phone("uk-national") },
    { header: "tag2", value: id("DEVICE", "serial") },
    { header: "origin", value: place("city") },
    { header: "pc", value: place("uk-postcode") },
    { header: "who", value: name("full") },
    { header: "dt1", value: dates("us-two-digit", [1935, 2023]) },
    { header: "src", value: id("IP", "v4") },
    { header: "media", value: id("PHOTO", "url") },
    { header: "page", value: id("URL", "social") },
    { header: "plate_txt", value: id("VEHICLE", "uk-plate") },
    { header: "sid", value: id("OTHER_ID", "sin") },
    { header: "hc", value: id("OTHER_ID", "nhs") },
    { header: "item_b", value: id("HEALTH_PLAN", "mbi") },
    { header: "code2", value: id("LICENSE", "dea") },
    { header: "x7", value: id("BIOMETRIC", "fingerprint") },
    { header: "grp", value: name("nickname") },
    { header: "key", value: id("OTHER_ID", "uuid") },
    { header: "misc", value: id("EMAIL", "tagged") },
  ],
};

const NOTE_HEADERS: Record<Split, string[]> = {
  dev: ["clinician_note", "comments", "history", "text2"],
  holdout: ["narrative", "remarks", "free_text", "c9"],
};
const SUBJECT_HEADER: Record<Split, string> = { dev: "patient_id", holdout: "subject_id" };
const AGE_HEADER: Record<Split, string> = { dev: "age", holdout: "patient_age" };

function sample<T>(context: NoteContext, items: readonly T[], count: number): T[] {
  const pool = [...items];
  const chosen: T[] = [];
  while (chosen.length < count && pool.length > 0)
    chosen.push(pool.splice(Math.floor(context.random.next() * pool.length), 1)[0]!);
  return chosen;
}

export function buildCsv(context: NoteContext, fileName: string, rowCount: number): CorpusCsv {
  const { random, split } = context;
  const named = sample(context, NAMED[split], 4);
  const uninformative = sample(context, UNINFORMATIVE[split], 4);
  const clinical = sample(context, CLINICAL_COLUMNS[split], 6);
  const notes = sample(context, NOTE_HEADERS[split], random.chance(0.5) ? 2 : 1);
  const hasAge = random.chance(0.5);
  const headers = [
    SUBJECT_HEADER[split],
    ...named.map((column) => column.header),
    ...uninformative.map((column) => column.header),
    ...clinical.map((column) => column.header),
    ...(hasAge ? [AGE_HEADER[split]] : []),
    ...notes,
  ];
  const headerTruth: CellTruth[] = headers.map(() => ({ planted: [], kept: [] }));
  if (random.chance(0.4)) {
    // An identifier as a header: "John Smith 123-45-6789" over a clinical column.
    const at = 1 + named.length + uninformative.length + random.int(0, clinical.length - 1);
    const person = NAME_GENERATORS.full!(context);
    const ssn = ID_GENERATORS.SSN!.dashed!(context);
    headers[at] = `${person.text} ${ssn.text}`;
    headerTruth[at] = {
      planted: [
        { ...person, placement: "header" },
        { ...ssn, placement: "header" },
      ],
      kept: [],
    };
  }
  const rows: string[][] = [];
  const truth: CellTruth[][] = [];
  let subject: PlantedValue | null = null;
  for (let row = 0; row < rowCount; row += 1) {
    const cells: string[] = [];
    const cellTruth: CellTruth[] = [];
    const plant = (value: PlantedValue, placement: "named column" | "uninformative column") => {
      cells.push(value.text);
      cellTruth.push({ planted: [{ ...value, placement }], kept: [] });
    };
    if (!subject || random.chance(0.5))
      subject = {
        kind: "OTHER_ID",
        variant: "subject-id",
        text: `P-${random.digits(5)}`,
        leak: [],
      };
    plant({ ...subject, leak: [subject.text] }, "named column");
    for (const column of named) plant(column.value(context), "named column");
    for (const column of uninformative) plant(column.value(context), "uninformative column");
    for (const column of clinical) {
      const value = column.value(random);
      cells.push(value);
      cellTruth.push({
        planted: [],
        kept: [{ what: column.what, text: value, keep: value, placement: "named column" }],
      });
    }
    if (hasAge) {
      const age = random.chance(0.3) ? random.int(90, 104) : random.int(18, 89);
      cells.push(String(age));
      cellTruth.push(
        age > 89
          ? {
              planted: [
                {
                  ...DATE_GENERATORS["age-over-89"]!(context),
                  text: String(age),
                  leak: [String(age)],
                  placement: "named column",
                },
              ],
              kept: [],
            }
          : {
              planted: [],
              kept: [
                {
                  what: "age under 90",
                  text: String(age),
                  keep: String(age),
                  placement: "named column",
                },
              ],
            },
      );
    }
    for (const _column of notes) {
      const template = random.pick(NOTE_TEMPLATES[split]);
      const { text, truth: noteTruth } = template(context);
      cells.push(text);
      cellTruth.push(noteTruth);
    }
    rows.push(cells);
    truth.push(cellTruth);
  }
  return { name: fileName, format: "csv", headers, rows, truth, headerTruth };
}
