import type {
  AllergyIntolerance,
  Bundle,
  CodeableConcept,
  Condition,
  Immunization,
  MedicationRequest,
  MedicationStatement,
  Observation,
  Patient,
  Procedure,
  Quantity,
  Resource,
} from "fhir/r4";
import { AppError } from "~/server/errors";

/**
 * Flattens an HL7 FHIR R4 Bundle into one table: a row per Patient (with every identifying
 * element in its own column, so the de-identifier removes and reports them) and a row per
 * clinical fact (Observation and each of its components, Condition, MedicationStatement,
 * MedicationRequest, Procedure, Immunization, AllergyIntolerance) carrying the patient's
 * quasi-identifiers (birth date, gender, ZIP, state) for analysis.
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

export function parseBundle(text: string): Bundle {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new AppError("BAD_INPUT", `The file is not valid JSON: ${(error as Error).message}`);
  }
  const resourceType = (parsed as { resourceType?: unknown } | null)?.resourceType;
  if (resourceType !== "Bundle") {
    throw new AppError(
      "BAD_INPUT",
      `This is not a FHIR R4 Bundle (resourceType is ${typeof resourceType === "string" ? resourceType : "missing"}).`,
    );
  }
  const bundle = parsed as Bundle;
  if (!Array.isArray(bundle.entry) || bundle.entry.length === 0) {
    throw new AppError("BAD_INPUT", "The FHIR Bundle has no entries.");
  }
  return bundle;
}

function coding(concept: CodeableConcept | undefined) {
  const first = concept?.coding?.[0];
  return {
    code_system: first?.system ?? "",
    code: first?.code ?? "",
    description: concept?.text ?? first?.display ?? "",
  };
}

function quantity(value: Quantity | undefined) {
  return value
    ? {
        value: value.value === undefined ? "" : String(value.value),
        unit: value.unit ?? value.code ?? "",
      }
    : {};
}

function reference(value: { reference?: string } | undefined): string {
  const target = value?.reference ?? "";
  return target.replace(/^urn:uuid:/, "").replace(/^Patient\//, "");
}

function extensionText(patient: Patient, suffix: string): string {
  const extension = patient.extension?.find((item) => item.url.endsWith(suffix));
  const text = extension?.extension?.find((item) => item.url === "text")?.valueString;
  return text ?? "";
}

function identifier(patient: Patient, code: string): string {
  return (
    patient.identifier?.find((item) => item.type?.coding?.some((entry) => entry.code === code))
      ?.value ?? ""
  );
}

function patientRow(patient: Patient): Row {
  const address = patient.address?.[0];
  const names = (patient.name ?? []).map((name) =>
    [...(name.prefix ?? []), ...(name.given ?? []), name.family ?? "", ...(name.suffix ?? [])]
      .join(" ")
      .trim(),
  );
  return {
    resource_type: "Patient",
    resource_id: patient.id ?? "",
    patient_id: patient.id ?? "",
    name: names.join("; "),
    birth_date: patient.birthDate ?? "",
    deceased_date: patient.deceasedDateTime ?? "",
    gender: patient.gender ?? "",
    phone:
      patient.telecom
        ?.filter((item) => item.system === "phone")
        .map((item) => item.value)
        .join("; ") ?? "",
    email:
      patient.telecom
        ?.filter((item) => item.system === "email")
        .map((item) => item.value)
        .join("; ") ?? "",
    address_line: address?.line?.join(", ") ?? "",
    city: address?.city ?? "",
    state: address?.state ?? "",
    postal_code: address?.postalCode ?? "",
    ssn: identifier(patient, "SS"),
    mrn: identifier(patient, "MR"),
    drivers_license: identifier(patient, "DL"),
    passport: identifier(patient, "PPN"),
    marital_status: patient.maritalStatus?.text ?? patient.maritalStatus?.coding?.[0]?.code ?? "",
    race: extensionText(patient, "us-core-race"),
    ethnicity: extensionText(patient, "us-core-ethnicity"),
    language:
      patient.communication?.[0]?.language?.text ??
      patient.communication?.[0]?.language?.coding?.[0]?.display ??
      "",
    note: patient.text?.div
      ? patient.text.div
          .replace(/<[^>]+>/g, " ")
          .replace(/\s+/g, " ")
          .trim()
      : "",
  };
}

function clinicalRows(resource: Resource): Row[] {
  const base = { resource_type: resource.resourceType, resource_id: resource.id ?? "" };
  switch (resource.resourceType) {
    case "Observation": {
      const observation = resource as Observation;
      const shared = {
        ...base,
        patient_id: reference(observation.subject),
        effective_date:
          observation.effectiveDateTime ??
          observation.effectivePeriod?.start ??
          observation.issued ??
          "",
        category: observation.category?.[0]?.coding?.[0]?.code ?? "",
        status: observation.status,
        note: observation.note?.map((item) => item.text).join(" ") ?? "",
      };
      if (observation.component?.length) {
        return observation.component.map((component) => ({
          ...shared,
          ...coding(component.code),
          ...quantity(component.valueQuantity),
          ...(component.valueString ? { value: component.valueString } : {}),
        }));
      }
      return [
        {
          ...shared,
          ...coding(observation.code),
          ...quantity(observation.valueQuantity),
          ...(observation.valueCodeableConcept
            ? { value: coding(observation.valueCodeableConcept).description }
            : {}),
          ...(observation.valueString ? { value: observation.valueString } : {}),
        },
      ];
    }
    case "Condition": {
      const condition = resource as Condition;
      return [
        {
          ...base,
          patient_id: reference(condition.subject),
          effective_date: condition.onsetDateTime ?? condition.recordedDate ?? "",
          category: condition.category?.[0]?.coding?.[0]?.code ?? "",
          ...coding(condition.code),
          status: condition.clinicalStatus?.coding?.[0]?.code ?? "",
          note: condition.note?.map((item) => item.text).join(" ") ?? "",
        },
      ];
    }
    case "MedicationStatement":
    case "MedicationRequest": {
      const medication = resource as MedicationStatement | MedicationRequest;
      const date =
        "effectiveDateTime" in medication
          ? medication.effectiveDateTime
          : (medication as MedicationRequest).authoredOn;
      return [
        {
          ...base,
          patient_id: reference(medication.subject),
          effective_date: date ?? "",
          ...coding(medication.medicationCodeableConcept),
          status: medication.status,
          note: medication.note?.map((item) => item.text).join(" ") ?? "",
        },
      ];
    }
    case "Procedure": {
      const procedure = resource as Procedure;
      return [
        {
          ...base,
          patient_id: reference(procedure.subject),
          effective_date: procedure.performedDateTime ?? procedure.performedPeriod?.start ?? "",
          ...coding(procedure.code),
          status: procedure.status,
          note: procedure.note?.map((item) => item.text).join(" ") ?? "",
        },
      ];
    }
    case "Immunization": {
      const immunization = resource as Immunization;
      return [
        {
          ...base,
          patient_id: reference(immunization.patient),
          effective_date: immunization.occurrenceDateTime ?? "",
          ...coding(immunization.vaccineCode),
          status: immunization.status,
        },
      ];
    }
    case "AllergyIntolerance": {
      const allergy = resource as AllergyIntolerance;
      return [
        {
          ...base,
          patient_id: reference(allergy.patient),
          effective_date: allergy.recordedDate ?? "",
          category: allergy.category?.[0] ?? "",
          ...coding(allergy.code),
          status: allergy.clinicalStatus?.coding?.[0]?.code ?? "",
        },
      ];
    }
    default:
      return [];
  }
}

export function flattenBundle(bundle: Bundle): FlattenedBundle {
  const resources = (bundle.entry ?? []).flatMap((entry) =>
    entry.resource ? [entry.resource] : [],
  );
  const patients = new Map<string, Row>();
  const knownNames = new Set<string>();
  const rows: Row[] = [];
  const skipped: Record<string, number> = {};
  for (const resource of resources) {
    if (resource.resourceType !== "Patient") continue;
    const row = patientRow(resource as Patient);
    patients.set(row.patient_id ?? "", row);
    for (const name of (resource as Patient).name ?? []) {
      for (const part of [...(name.given ?? []), name.family ?? ""]) {
        for (const token of part.toLowerCase().split(/\s+/))
          if (token.length >= 2) knownNames.add(token);
      }
    }
    rows.push(row);
  }
  for (const resource of resources) {
    if (!SUPPORTED.has(resource.resourceType)) {
      skipped[resource.resourceType] = (skipped[resource.resourceType] ?? 0) + 1;
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
