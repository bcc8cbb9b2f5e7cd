import { loincCode, verhoeffDigit } from "./check-digits";
import { CLINICAL_PHRASES } from "./clinical";
import {
  DATE_GENERATORS,
  GEOGRAPHIC_GENERATORS,
  ID_GENERATORS,
  personName,
  PHONE_GENERATORS,
} from "./identifiers";
import type { NoteContext } from "./notes";
import type { CellTruth, CorpusFhir, Placement, PlantedValue } from "./types";

/**
 * FHIR R4 Bundles with identifiers where flatteners tend not to look: a name only in
 * name.text, a year-only birthDate, the narrative text.div, extensions and valueString.
 */
const OBSERVATIONS = [
  ["4548-4", "Hemoglobin A1c/Hemoglobin.total in Blood", "%"],
  ["8480-6", "Systolic blood pressure", "mm[Hg]"],
  ["2093-3", "Cholesterol [Mass/volume] in Serum or Plasma", "mg/dL"],
  ["39156-5", "Body mass index (BMI) [Ratio]", "kg/m2"],
  ["718-7", "Hemoglobin [Mass/volume] in Blood", "g/dL"],
] as const;

export function buildBundle(context: NoteContext, fileName: string): CorpusFhir {
  const { random } = context;
  const truth: CellTruth = { planted: [], kept: [] };
  const plant = (value: PlantedValue, placement: Placement) => {
    truth.planted.push({ ...value, placement });
    return value.text;
  };
  const person = personName(context);
  const fullName = {
    kind: "NAME" as const,
    variant: person.variant,
    text: person.text,
    leak: person.leak,
  };
  const patientId = `pat-${random.digits(6)}`;
  const nameShape = random.int(0, 2);
  const name =
    nameShape === 0
      ? [{ use: "official", given: [person.first], family: person.last }]
      : nameShape === 1
        ? [{ text: person.text }]
        : [{ use: "official", text: person.text, given: [person.first], family: person.last }];
  plant(nameShape === 1 ? { ...fullName, variant: "name-text-only" } : fullName, "fhir element");
  const isYearOnly = random.chance(0.5);
  const birth = isYearOnly
    ? DATE_GENERATORS["old-birth-year"]!(context)
    : DATE_GENERATORS.iso!(context);
  plant(birth, "fhir element");
  const phone = PHONE_GENERATORS["us-dash"]!(context);
  const email = ID_GENERATORS.EMAIL!.plain!(context);
  const street = GEOGRAPHIC_GENERATORS.street!(context);
  const city = GEOGRAPHIC_GENERATORS.city!(context);
  const mrn = ID_GENERATORS.MRN!.prefixed!(context);
  const narrativePhone = PHONE_GENERATORS["us-bare"]!(context);
  const relative = personName(context);
  const relativeName = {
    kind: "NAME" as const,
    variant: "relative",
    text: relative.text,
    leak: relative.leak,
  };
  const contactPhone = PHONE_GENERATORS["uk-intl"]!(context);
  const maiden = personName(context);
  const serial = ID_GENERATORS.DEVICE!.serial!(context);
  const ip = ID_GENERATORS.IP!["v6-short"]!(context);

  const narrative = `<div xmlns="http://www.w3.org/1999/xhtml"><p>${plant(fullName, "fhir narrative")}, ${plant(mrn, "fhir narrative")}, tel ${plant(narrativePhone, "fhir narrative")}</p></div>`;
  const patient = {
    resourceType: "Patient",
    id: patientId,
    text: { status: "generated", div: narrative },
    extension: [
      {
        url: "http://hl7.org/fhir/StructureDefinition/patient-mothersMaidenName",
        valueString: plant(
          {
            kind: "NAME",
            variant: "maiden-name",
            text: maiden.last,
            leak: [maiden.last.normalize("NFC")],
          },
          "fhir extension",
        ),
      },
      {
        url: "http://example.org/fhir/StructureDefinition/emergency-contact",
        valueString: `Daughter ${plant(relativeName, "fhir extension")} ${plant(contactPhone, "fhir extension")}`,
      },
      {
        url: "http://hl7.org/fhir/StructureDefinition/patient-birthPlace",
        valueAddress: { city: plant(city, "fhir extension") },
      },
    ],
    identifier: [
      {
        type: { coding: [{ system: "http://terminology.hl7.org/CodeSystem/v2-0203", code: "MR" }] },
        value: mrn.text,
      },
    ],
    name,
    telecom: [
      { system: "phone", value: plant(phone, "fhir element") },
      { system: "email", value: plant(email, "fhir element") },
    ],
    gender: random.pick(["female", "male"]),
    birthDate: birth.text,
    address: [
      { line: [plant(street, "fhir element")], city: city.text, state: "MA", postalCode: "02134" },
    ],
  };
  const entries: unknown[] = [{ fullUrl: `urn:uuid:${patientId}`, resource: patient }];
  for (const [index, [code, display, unit]] of OBSERVATIONS.entries()) {
    entries.push({
      resource: {
        resourceType: "Observation",
        id: `obs-${index}`,
        status: "final",
        code: { coding: [{ system: "http://loinc.org", code, display }], text: display },
        subject: { reference: `urn:uuid:${patientId}` },
        effectiveDateTime: DATE_GENERATORS.datetime!(context).text,
        valueQuantity: { value: random.int(4, 200), unit },
      },
    });
    truth.kept.push({ what: "test name", text: display, keep: display, placement: "fhir element" });
    truth.kept.push({ what: "LOINC code", text: code, keep: code, placement: "fhir element" });
  }
  const clinical = random.pick(CLINICAL_PHRASES[context.split])(random);
  truth.kept.push({ ...clinical, placement: "fhir valueString" });
  entries.push({
    resource: {
      resourceType: "Observation",
      id: "obs-social",
      status: "final",
      code: { text: "Social history" },
      subject: { reference: `urn:uuid:${patientId}` },
      valueString: `Lives with ${plant(relativeName, "fhir valueString")}; home router ${plant(ip, "fhir valueString")}; ${clinical.text}.`,
    },
  });
  const snomed = `${random.int(10_000, 99_999_999)}00`;
  const snomedCode = `${snomed}${verhoeffDigit(snomed)}`;
  truth.kept.push({
    what: "SNOMED CT code",
    text: snomedCode,
    keep: snomedCode,
    placement: "fhir element",
  });
  entries.push({
    resource: {
      resourceType: "Condition",
      id: "cond-1",
      subject: { reference: `urn:uuid:${patientId}` },
      code: {
        coding: [
          { system: "http://snomed.info/sct", code: snomedCode, display: "Parkinson's disease" },
        ],
      },
      onsetDateTime: DATE_GENERATORS.iso!(context).text,
      note: [
        { text: `Device ${plant(serial, "fhir valueString")} checked; LOINC ${loincCode("2345")}` },
      ],
    },
  });
  truth.kept.push({
    what: "eponym",
    text: "Parkinson's disease",
    keep: "Parkinson's disease",
    placement: "fhir element",
  });
  return {
    name: fileName,
    format: "fhir",
    bundle: { resourceType: "Bundle", type: "collection", entry: entries },
    truth,
  };
}
