import { beforeAll, describe, expect, it } from "vitest";
import { TEST_NOW } from "../../../test/support/deidentify";
import { splitFlags } from "./review-markers";
import { MAX_SCANNED_LENGTH, scanText, TOO_LONG } from "./text-scanner";
import { dictionaries } from "./dictionaries";

// The word lists load once per process; on a busy machine that takes seconds.
beforeAll(() => void dictionaries(), 120_000);

const scan = (value: string, options: { knownNames?: string[]; isFreeText?: boolean } = {}) =>
  scanText(value, {
    knownNames: new Set(options.knownNames ?? []),
    now: TEST_NOW,
    isFreeText: options.isFreeText ?? true,
    flags: "withhold",
  }).value;

describe("free text: the examples of issue 14", () => {
  it.each([
    ["Pt Megan Holloway seen for follow-up", ["Megan", "Holloway"], "Pt [NAME] [NAME] seen"],
    ["Seen by Dr. Hiroshi Tanaka on March 3, 2021", ["Hiroshi", "Tanaka", "March 3"], "on 2021"],
    ["admitted 3rd of March 2021, discharged 3/9", ["3rd of March", "3/9"], "discharged [DATE]"],
    ["born in 1931, lives alone", ["1931"], "born in 90+"],
    ["Moved to Island Pond, VT 05901 last spring", ["Island Pond", "05901", "059"], "VT 000"],
    ["Call 6175550188 after 5pm", ["6175550188"], "after 5pm"],
    [
      "router 2001:db8:85a3::8a2e:370:7334 and fe80::1ff:fe23:4567:890a",
      ["2001:db8", "fe80"],
      "[IP]",
    ],
    ["home monitor MAC 00:1A:2B:3C:4D:5E, serial SN-7781-22A", ["00:1A", "7781"], "[DEVICE]"],
    [
      "implant (01)00884838066245(17)250101(10)A12345(21)778112 placed",
      ["00884838066245"],
      "[DEVICE]",
    ],
    ["GP surgery at SW1A 1AA, mobile +44 7700 900123", ["SW1A", "7700"], "[PHONE]"],
    ["NHS number 943 476 5919 and SIN 046 454 286", ["943 476", "046 454"], "[OTHER_ID]"],
    ["Interpreter booked for 王秀英 (Mandarin)", ["王秀英"], "[NAME]"],
    ["Wife Nguyễn Thị Mai reports dizziness", ["Nguyễn", "Mai"], "Wife [NAME]"],
    ["Wife Nguyễn Thị Mai reports dizziness".normalize("NFD"), ["Nguyễn", "Mai"], "Wife [NAME]"],
    ["Discussed with daughter Bobby over the phone", ["Bobby"], "daughter [NAME]"],
    ["record MRN8336870 reviewed", ["8336870"], "[MRN]"],
  ])("%s", (input, gone, kept) => {
    const output = scan(input);
    for (const text of gone) expect(output.normalize("NFC")).not.toContain(text.normalize("NFC"));
    expect(output).toContain(kept);
  });

  it.each([
    "Gleason score 3+4=7",
    "Hunter syndrome",
    "Barrett's esophagus",
    "Bell's palsy",
    "Foley catheter",
    "6 Minute Walk Test",
    "Systolic BP (mm Hg)",
    "SNOMED 44054006",
    "LOINC 4548-4",
    "ICD-10 E11.9",
    "RxNorm 860975",
    "Eliquis 5 mg BID",
    "pain 3/10, strength 4/5, BP 128/82",
    "Parkinson's disease",
    "Timed Up and Go",
    "Berg Balance Scale 48",
    "Patient will return in May with hope of improvement",
    "Mark the chart and bill the insurer",
    "http://snomed.info/sct",
  ])("keeps clinical meaning: %s", (input) => {
    expect(scan(input)).toBe(input);
  });
});

describe("names", () => {
  it("redacts the file's own names wherever they appear, digits and accents included", () => {
    expect(
      scan("Blaine377 called; farías160 too", { knownNames: ["blaine377", "farias160"] }),
    ).toBe("[NAME] called; [NAME] too");
  });

  it("takes a name from a title or relation, and two names side by side", () => {
    expect(scan("Spoke with Dr. Hope about dosing")).toBe("Spoke with Dr. [NAME] about dosing");
    expect(scan("John Smith")).toBe("[NAME] [NAME]");
    expect(scan("Discussed with Will Hunter at the bedside")).toContain("[NAME] [NAME]");
  });

  it("flags a proper noun it cannot place instead of guessing", () => {
    const result = scanText("Poehn presented with chest pain", {
      knownNames: new Set(),
      now: TEST_NOW,
      isFreeText: true,
      flags: "mark",
    });
    expect(result.findings).toContainEqual({ type: "NAME", action: "flagged" });
    expect(splitFlags(result.value)).toContainEqual({ text: "Poehn", type: "NAME" });
  });
});

describe("dates and years", () => {
  it("never guesses a century: 03/04/21 is removed, 14/07/48 is 1948", () => {
    expect(scan("seen 03/04/21")).toBe("seen [DATE]");
    expect(scan("seen 14/07/48")).toBe("seen 1948");
    expect(scan("seen 03/04/2021 and 2021-07-02T10:00:00Z")).toBe("seen 2021 and 2021");
  });

  it("keeps only the year of every written form", () => {
    expect(scan("on Thu, 04 Mar 2021; 04-Mar-2021; since Feb 2019; March 3rd, 2021")).toBe(
      "on 2021; 2021; since 2019; 2021",
    );
  });

  it("aggregates ages over 89", () => {
    expect(scan("a 93-year-old woman, aged 97, 92 y/o")).toBe(
      "a 90+-year-old woman, aged 90+, 90+ y/o",
    );
    expect(scan("a 45-year-old man")).toBe("a 45-year-old man");
  });
});

describe("bounded work", () => {
  it("withholds a value over the cap whole, unscanned", () => {
    const result = scanText("x".repeat(400 * 1024), {
      knownNames: new Set(),
      now: TEST_NOW,
      isFreeText: true,
      flags: "withhold",
    });
    expect(result).toEqual({ value: TOO_LONG, findings: [], isTooLong: true });
  });

  it.each([
    ["letters", "a".repeat(MAX_SCANNED_LENGTH)],
    ["digits", "1".repeat(MAX_SCANNED_LENGTH)],
    ["letters and digits", "a1".repeat(MAX_SCANNED_LENGTH / 2)],
    ["at signs", "a@".repeat(MAX_SCANNED_LENGTH / 2)],
    ["hex and colons", "ab:".repeat(MAX_SCANNED_LENGTH / 3)],
    ["capitalised words", "Megan ".repeat(MAX_SCANNED_LENGTH / 6)],
    ["dotted numbers", "1.".repeat(MAX_SCANNED_LENGTH / 2)],
  ])("scans %s at the cap in linear time", (_name, value) => {
    const small = value.slice(0, value.length / 8);
    // CPU time of this thread, not the clock: other work on the machine does not count. The
    // fastest of three runs, as a collection or a cold cache can still slow one.
    const time = (text: string) =>
      Math.min(
        ...[0, 1, 2].map(() => {
          const started = process.threadCpuUsage();
          scan(text);
          const { user, system } = process.threadCpuUsage(started);
          return (user + system) / 1000;
        }),
      );
    time(small); // compile the expressions first
    const smallTime = Math.max(time(small), 1);
    const largeTime = time(value);
    // Eight times the text may take eight times as long (and noise); quadratic would be 64.
    expect(largeTime).toBeLessThan(smallTime * 24 + 300);
  });
});
