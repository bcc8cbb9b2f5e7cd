import { describe, expect, it } from "vitest";
import { scanValue } from "./value-scanner";

const none = { knownNames: new Set<string>() };
const scan = (value: string, knownNames: string[] = []) =>
  scanValue(value, { knownNames: new Set(knownNames) }).value;

describe("identifiers inside values", () => {
  it.each([
    ["Call 555-262-5593 after 5pm", "Call [PHONE] after 5pm"],
    ["cell (617) 555-0199 ext 12", "cell [PHONE]"],
    ["fax: 617.555.0100", "[FAX]"],
    ["mail jane.doe+trial@hospital.org today", "mail [EMAIL] today"],
    ["SSN 999-12-3456 on file", "[SSN] on file"],
    ["id 999-12-3456 on file", "id [SSN] on file"],
    ["MRN: 00123456", "[MRN]"],
    ["member id ABC1234567", "[HEALTH_PLAN]"],
    ["acct # 55501234", "[ACCOUNT]"],
    ["driver's licence S99912345", "[LICENSE]"],
    ["passport X12345678X", "[LICENSE]"],
    ["VIN 1HGCM82633A004352", "[VEHICLE]"],
    ["pump serial SN-7781-22", "pump [DEVICE]"],
    ["see https://patient-blog.example.com/me", "see [URL]"],
    ["login from 192.168.12.34", "login from [IP]"],
    ["ref 92b47f6e-d4b0-47bd-bf6a-b944d4de48e6", "ref [OTHER_ID]"],
    ["lives at 1040 Tremblay Passage Unit 96 near the park", "lives at [GEOGRAPHIC] near the park"],
    ["Boston, MA 02134-1234", "Boston, MA 021"],
    ["a 93-year-old woman", "a 90+-year-old woman"],
    ["aged 97 at admission", "aged 90+ at admission"],
  ])("%s", (input, expected) => {
    expect(scan(input)).toBe(expected);
  });

  it.each([
    ["seen 03/14/2021 and 2021-07-02T10:00:00Z", "seen 2021 and 2021"],
    ["on March 4, 2021", "on 2021"],
    ["on 4 March 2021", "on 2021"],
    ["on Thu, 04 Mar 2021", "on 2021"],
    ["04-Mar-2021", "2021"],
    ["since Feb 2019", "since 2019"],
    ["3/4/21 follow-up", "2021 follow-up"],
  ])("keeps only the year of %s", (input, expected) => {
    expect(scan(input)).toBe(expected);
  });

  it.each([
    "Hemoglobin A1c/Hemoglobin.total in Blood",
    "120/80",
    "6.1",
    "8302-2",
    "44054006",
    "Levora 0.15/30 28 Day Pack",
    "Warfarin Sodium 5 MG Oral Tablet",
    "Parkinson's disease",
    "Body mass index (BMI) [Ratio]",
    "http://snomed.info/sct",
    "http://loinc.org",
    "NDC 0002-8215-01",
    "Comprehensive metabolic 2000 panel - Serum or Plasma",
    "Platelets [#/volume] in Blood by Automated count",
    "Patient may return in two weeks; will review labs.",
  ])("leaves clinical content alone: %s", (input) => {
    expect(scanValue(input, none)).toEqual({ value: input, findings: [] });
  });
});

describe("names", () => {
  it("redacts the data's own names wherever they appear, with digits and accents", () => {
    expect(scan("Blaine377 called; Farías160 too", ["blaine377", "farías160"])).toBe(
      "[NAME] called; [NAME] too",
    );
    expect(scan("o'hara248 missed the visit", ["o'hara248"])).toBe("[NAME] missed the visit");
  });

  it("redacts dictionary names in running text and after cues, but not common words", () => {
    expect(scan("Discussed results with daughter Grace over the phone")).toBe(
      "Discussed results with daughter [NAME] over the phone",
    );
    expect(scan("Spoke with Dr. Hope about dosing")).toBe("Spoke with Dr. [NAME] about dosing");
    expect(scan("Plan reviewed with Jennifer and her husband")).toBe(
      "Plan reviewed with [NAME] and her husband",
    );
    expect(scan("Patient will return in May with hope of improvement")).toBe(
      "Patient will return in May with hope of improvement",
    );
    expect(scan("Mark the chart and bill the insurer")).toBe("Mark the chart and bill the insurer");
  });

  it("redacts first and last names next to each other even in Title Case", () => {
    expect(scan("John Smith")).toBe("[NAME] [NAME]");
  });
});
