import "server-only";
import { z } from "zod";
import { AppError } from "~/server/errors";
import { foldName } from "./dictionaries";

/**
 * Flattens an HL7 FHIR R4 Bundle into one table: a row per Patient (every identifying element
 * in its own column, so the de-identifier removes and reports it) and a row per clinical fact
 * (Observation and each component, Condition, MedicationStatement, MedicationRequest,
 * Procedure, Immunization, AllergyIntolerance) with the patient's quasi-identifiers. The
 * JSON is read defensively: a Bundle from elsewhere may put an object where R4 has an array,
 * a string where it has a list, or null in an entry. Extensions other than race and ethnicity
 * are not carried over; the names in them (maiden names, contacts) are still looked for in
 * the text that is.
 */
export const FHIR_COLUMNS = [
  "resource_type",
  "resource_id",
  "patient_id",
  "effective_date",
  "category",
  "code_system",
  "code",
  "description",
  "value",
  "unit",
  "status",
  "note",
  "name",
  "birth_date",
  "deceased_date",
  "gender",
  "phone",
  "email",
  "address_line",
  "city",
  "state",
  "postal_code",
  "ssn",
  "mrn",
  "drivers_license",
  "passport",
  "marital_status",
  "race",
  "ethnicity",
  "language",
] as const;

type Column = (typeof FHIR_COLUMNS)[number];
type Row = Partial<Record<Column, string>>;
type Json = Record<string, unknown>;

const SUPPORTED = new Set([
  "Patient",
  "Observation",
  "Condition",
  "MedicationStatement",
  "MedicationRequest",
  "Procedure",
  "Immunization",
  "AllergyIntolerance",
]);

export type FlattenedBundle = {
  rows: string[][];
  knownNames: Set<string>;
  skipped: Record<string, number>;
};

const isObject = (value: unknown): value is Json =>
  typeof value === "object" && value !== null && !Array.isArray(value);
/** An R4 list, tolerating a single object where a list belongs. */
const objects = (value: unknown): Json[] =>
  Array.isArray(value) ? value.filter(isObject) : isObject(value) ? [value] : [];
/** A list of strings, tolerating a single string where a list belongs. */
const strings = (value: unknown): string[] =>
  typeof value === "string"
    ? [value]
    : Array.isArray(value)
      ? value.filter((item): item is string => typeof item === "string")
      : [];
const text = (value: unknown): string =>
  typeof value === "string"
    ? value
    : typeof value === "number" || typeof value === "boolean"
      ? String(value)
      : "";
const field = (value: unknown, ...path: string[]): unknown => {
  let current = value;
  for (const key of path) current = isObject(current) ? current[key] : undefined;
  return current;
};

/**
 * The parts of R4 this flattener relies on, checked before anything is read: a malformed
 * Bundle is refused with the place where it breaks R4, never half-read.
 */
const strings0 = z.array(z.string()).optional();
const ZHumanName = z.looseObject({
  text: z.string().optional(),
  family: z.string().optional(),
  given: strings0,
  prefix: strings0,
  suffix: strings0,
});
const ZPatient = z.looseObject({
  name: z.array(ZHumanName).optional(),
  telecom: z
    .array(z.looseObject({ system: z.string().optional(), value: z.string().optional() }))
    .optional(),
  address: z
    .array(
      z.looseObject({
        line: strings0,
        city: z.string().optional(),
        postalCode: z.string().optional(),
      }),
    )
    .optional(),
  identifier: z.array(z.looseObject({ value: z.string().optional() })).optional(),
  birthDate: z.string().optional(),
  contact: z.array(z.looseObject({ name: ZHumanName.optional() })).optional(),
});
const ZBundle = z.looseObject({
  resourceType: z.literal("Bundle"),
  entry: z
    .array(
      z.looseObject({ resource: z.looseObject({ resourceType: z.string() }) }),
      "entry must be a list",
    )
    .min(1, "The FHIR Bundle has no entries."),
});

function describeIssue(error: z.ZodError, prefix: (string | number)[] = []): string {
  const issue = error.issues[0]!;
  const path = [...prefix, ...issue.path]
    .map((part) => (typeof part === "number" ? `[${part}]` : `.${String(part)}`))
    .join("")
    .replace(/^\./, "");
  return `The FHIR Bundle is malformed at ${path || "its top level"}: ${issue.message.replace(/\s+/g, " ")}.`;
}

export function parseBundle(json: string): Json {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch (error) {
    throw new AppError("BAD_INPUT", `The file is not valid JSON: ${(error as Error).message}`);
  }
  const resourceType = isObject(parsed) ? parsed.resourceType : undefined;
  if (!isObject(parsed) || resourceType !== "Bundle") {
    throw new AppError(
      "BAD_INPUT",
      `This is not a FHIR R4 Bundle (resourceType is ${typeof resourceType === "string" ? resourceType.slice(0, 40) : "missing"}).`,
    );
  }
  const bundle = ZBundle.safeParse(parsed);
  if (!bundle.success)
    throw new AppError(
      "BAD_INPUT",
      bundle.error.issues[0]?.message.startsWith("The FHIR")
        ? bundle.error.issues[0].message
        : describeIssue(bundle.error),
    );
  for (const [index, entry] of bundle.data.entry.entries()) {
    if (entry.resource.resourceType !== "Patient") continue;
    const patient = ZPatient.safeParse(entry.resource);
    if (!patient.success)
      throw new AppError("BAD_INPUT", describeIssue(patient.error, ["entry", index, "resource"]));
  }
  return parsed;
}

function coding(concept: unknown) {
  const first = objects(field(concept, "coding"))[0];
  return {
    code_system: text(first?.system),
    code: text(first?.code),
    description: text(field(concept, "text")) || text(first?.display),
  };
}

function quantity(value: unknown): Row {
  if (!isObject(value)) return {};
  return { value: text(value.value), unit: text(value.unit) || text(value.code) };
}

function reference(value: unknown): string {
  return text(field(value, "reference"))
    .replace(/^urn:uuid:/, "")
    .replace(/^Patient\//, "");
}

function extensionText(patient: Json, suffix: string): string {
  const extension = objects(patient.extension).find((item) => text(item.url).endsWith(suffix));
  return text(objects(extension?.extension).find((item) => item.url === "text")?.valueString);
}

function identifier(patient: Json, code: string): string {
  const item = objects(patient.identifier).find((entry) =>
    objects(field(entry, "type", "coding")).some((coded) => coded.code === code),
  );
  return text(item?.value);
}

function nameText(name: Json): string {
  const parts = [
    ...strings(name.prefix),
    ...strings(name.given),
    ...strings(name.family),
    ...strings(name.suffix),
  ];
  return parts.length > 0 ? parts.join(" ") : text(name.text);
}

function narrative(resource: Json): string {
  return text(field(resource, "text", "div"))
    .replace(/<[^>]{0,2000}>/g, " ")
    .replace(/&[a-z#0-9]{1,8};/gi, " ")
    .replace(/\s+/g, " ")
    .trim();
}

const notes = (resource: Json) =>
  objects(resource.note)
    .map((item) => text(item.text))
    .filter(Boolean)
    .join(" ");

function patientRow(patient: Json): Row {
  const address = objects(patient.address)[0];
  const telecom = objects(patient.telecom);
  const language = objects(patient.communication)[0]?.language;
  return {
    resource_type: "Patient",
    resource_id: text(patient.id),
    patient_id: text(patient.id),
    name: objects(patient.name).map(nameText).join("; "),
    birth_date: text(patient.birthDate),
    deceased_date: text(patient.deceasedDateTime),
    gender: text(patient.gender),
    phone: telecom
      .filter((item) => item.system === "phone")
      .map((item) => text(item.value))
      .join("; "),
    email: telecom
      .filter((item) => item.system === "email")
      .map((item) => text(item.value))
      .join("; "),
    address_line: strings(address?.line).join(", "),
    city: text(address?.city),
    state: text(address?.state),
    postal_code: text(address?.postalCode),
    ssn: identifier(patient, "SS"),
    mrn: identifier(patient, "MR"),
    drivers_license: identifier(patient, "DL"),
    passport: identifier(patient, "PPN"),
    marital_status:
      text(field(patient, "maritalStatus", "text")) ||
      text(objects(field(patient, "maritalStatus", "coding"))[0]?.code),
    race: extensionText(patient, "us-core-race"),
    ethnicity: extensionText(patient, "us-core-ethnicity"),
    language: text(field(language, "text")) || text(objects(field(language, "coding"))[0]?.display),
    note: narrative(patient),
  };
}

/** Every name a Patient carries, wherever it is: names, text-only names, extensions. */
function patientNames(patient: Json): string[] {
  const names = objects(patient.name).flatMap((name) => [
    ...strings(name.given),
    ...strings(name.family),
    ...strings(name.text),
  ]);
  for (const extension of objects(patient.extension))
    if (/maiden|name/i.test(text(extension.url))) names.push(text(extension.valueString));
  for (const contact of objects(patient.contact))
    names.push(...objects(contact.name).map(nameText));
  return names;
}

function clinicalRows(resource: Json): Row[] {
  const type = text(resource.resourceType);
  const base = {
    resource_type: type,
    resource_id: text(resource.id),
    note: [notes(resource), narrative(resource)].filter(Boolean).join(" "),
  };
  const subject = reference(resource.subject) || reference(resource.patient);
  const status =
    text(resource.status) || text(objects(field(resource, "clinicalStatus", "coding"))[0]?.code);
  switch (type) {
    case "Observation": {
      const shared = {
        ...base,
        patient_id: subject,
        effective_date:
          text(resource.effectiveDateTime) ||
          text(field(resource, "effectivePeriod", "start")) ||
          text(resource.issued),
        category: text(objects(field(objects(resource.category)[0], "coding"))[0]?.code),
        status,
      };
      const components = objects(resource.component);
      const valueOf = (item: Json): Row => ({
        ...quantity(item.valueQuantity),
        ...(isObject(item.valueCodeableConcept)
          ? { value: coding(item.valueCodeableConcept).description }
          : {}),
        ...(typeof item.valueString === "string" ? { value: item.valueString } : {}),
      });
      if (components.length > 0)
        return components.map((component) => ({
          ...shared,
          ...coding(component.code),
          ...valueOf(component),
        }));
      return [{ ...shared, ...coding(resource.code), ...valueOf(resource) }];
    }
    case "Condition":
      return [
        {
          ...base,
          patient_id: subject,
          effective_date: text(resource.onsetDateTime) || text(resource.recordedDate),
          category: text(objects(field(objects(resource.category)[0], "coding"))[0]?.code),
          ...coding(resource.code),
          status,
        },
      ];
    case "MedicationStatement":
    case "MedicationRequest":
      return [
        {
          ...base,
          patient_id: subject,
          effective_date: text(resource.effectiveDateTime) || text(resource.authoredOn),
          ...coding(resource.medicationCodeableConcept),
          status,
        },
      ];
    case "Procedure":
      return [
        {
          ...base,
          patient_id: subject,
          effective_date:
            text(resource.performedDateTime) || text(field(resource, "performedPeriod", "start")),
          ...coding(resource.code),
          status,
        },
      ];
    case "Immunization":
      return [
        {
          ...base,
          patient_id: subject,
          effective_date: text(resource.occurrenceDateTime),
          ...coding(resource.vaccineCode),
          status,
        },
      ];
    case "AllergyIntolerance":
      return [
        {
          ...base,
          patient_id: subject,
          effective_date: text(resource.recordedDate),
          category: strings(resource.category)[0] ?? "",
          ...coding(resource.code),
          status,
        },
      ];
    default:
      return [];
  }
}

export function flattenBundle(bundle: Json): FlattenedBundle {
  const resources = objects(bundle.entry).flatMap((entry) =>
    isObject(entry.resource) ? [entry.resource] : [],
  );
  const patients = new Map<string, Row>();
  const knownNames = new Set<string>();
  const rows: Row[] = [];
  const skipped: Record<string, number> = {};
  for (const resource of resources) {
    if (resource.resourceType !== "Patient") continue;
    const row = patientRow(resource);
    patients.set(row.patient_id ?? "", row);
    for (const name of patientNames(resource))
      for (const token of name.split(/[\s,;]+/)) {
        const bare = token.replace(/[.()]/g, "");
        if (bare.length >= 2 && !/^(mr|mrs|ms|dr|miss|prof)$/i.test(bare))
          knownNames.add(foldName(bare));
      }
    rows.push(row);
  }
  for (const resource of resources) {
    const type = text(resource.resourceType) || "(no resourceType)";
    if (type === "Patient") continue;
    if (!SUPPORTED.has(type)) {
      skipped[type.slice(0, 60)] = (skipped[type.slice(0, 60)] ?? 0) + 1;
      continue;
    }
    for (const row of clinicalRows(resource)) {
      const patient = patients.get(row.patient_id ?? "");
      rows.push({
        ...row,
        birth_date: patient?.birth_date ?? "",
        gender: patient?.gender ?? "",
        state: patient?.state ?? "",
        postal_code: patient?.postal_code ?? "",
      });
    }
  }
  return {
    rows: rows.map((row) => FHIR_COLUMNS.map((column) => row[column] ?? "")),
    knownNames,
    skipped,
  };
}
