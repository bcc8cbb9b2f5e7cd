import { beforeAll, describe, expect, it } from "vitest";
import { deidentifyContent } from "../../../test/support/deidentify";
import { dictionaries } from "./dictionaries";

// The word lists load once per process; on a busy machine that takes seconds.
beforeAll(() => void dictionaries(), 120_000);

const bundle = (patient: object, ...others: object[]) => ({
  resourceType: "Bundle",
  type: "collection",
  entry: [
    { resource: { resourceType: "Patient", id: "pat-1", ...patient } },
    ...others.map((resource) => ({ resource })),
  ],
});

describe("FHIR R4 Bundles (issue 14)", () => {
  it("finds a name given only in name.text wherever else it is written", async () => {
    const { text } = await deidentifyContent(
      bundle(
        {
          name: [{ text: "Megan Holloway" }],
          birthDate: "1962-04-02",
          text: { status: "generated", div: "<div>Megan Holloway, tel 617 555 0188</div>" },
        },
        {
          resourceType: "Observation",
          id: "o1",
          status: "final",
          subject: { reference: "Patient/pat-1" },
          code: { text: "Social history" },
          valueString: "Lives with her son; Megan prefers mornings",
        },
      ),
    );
    expect(text).not.toMatch(/Megan|Holloway|617 555 0188/);
    expect(text).toContain("Social history");
  });

  it("aggregates a year-only birthDate of 1927 as 90+", async () => {
    const { rows } = await deidentifyContent(
      bundle({ name: [{ family: "Roe" }], birthDate: "1927", gender: "female" }),
    );
    expect(rows[0]!.birth_date).toBe("90+");
  });

  it("keeps identifiers in narrative and valueString out, clinical codes in", async () => {
    const { text } = await deidentifyContent(
      bundle(
        {
          name: [{ given: ["Ann"], family: "Lee" }],
          text: {
            div: '<div xmlns="http://www.w3.org/1999/xhtml">MRN 00123456; router 2001:db8::7334</div>',
          },
        },
        {
          resourceType: "Condition",
          id: "c1",
          subject: { reference: "urn:uuid:pat-1" },
          code: {
            coding: [
              {
                system: "http://snomed.info/sct",
                code: "44054006",
                display: "Diabetes mellitus type 2",
              },
            ],
          },
          note: [{ text: "Pump serial SN-7781-22A checked" }],
        },
      ),
    );
    expect(text).not.toMatch(/00123456|2001:db8|7781/);
    expect(text).toContain("44054006");
    expect(text).toContain("Diabetes mellitus type 2");
  });

  it.each([
    ["entry: [null]", { resourceType: "Bundle", entry: [null] }, /malformed at entry\[0\]/],
    [
      "name as an object",
      bundle({ name: { family: "Smith" } }),
      /malformed at entry\[0\]\.resource\.name: .*expected array/,
    ],
    [
      "given as a string",
      bundle({ name: [{ given: "Jo", family: "Smith" }] }),
      /malformed at entry\[0\]\.resource\.name\[0\]\.given/,
    ],
    ["no entries", { resourceType: "Bundle", entry: [] }, /no entries/],
  ])(
    "refuses a malformed Bundle (%s) with the place where it breaks",
    async (_name, input, message) => {
      await expect(deidentifyContent(input)).rejects.toThrow(message);
    },
  );
});
