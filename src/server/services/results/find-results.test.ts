import { describe, expect, it } from "vitest";
import { ZRegisterOutputSchema } from "~/shared/research-output";
import { describeOutput, hashOutput } from "./output-hash";
import { resultsStatusOf } from "./find-results";

const DAY = 86_400_000;
const base = { requestId: "r1", kind: "PUBLICATION", title: "A pooled cohort study" };

describe("research outputs", () => {
  it("accepts a publication with a DOI and an https link, and normalises the DOI for the hash", () => {
    const parsed = ZRegisterOutputSchema.parse({
      ...base,
      doi: "10.1234/ABC.def-1",
      url: "https://example.org/a",
      summary: "",
    });
    expect(parsed.summary).toBeUndefined();
    const lower = hashOutput(describeOutput({ ...parsed, doi: "10.1234/abc.def-1" }));
    expect(hashOutput(describeOutput(parsed))).toBe(lower);
    expect(hashOutput(describeOutput({ ...parsed, title: "Another title" }))).not.toBe(lower);
  });

  it.each([
    [{ doi: "https://doi.org/10.1234/x", url: "https://e.org" }, "doi"],
    [{ doi: "10.1/x", url: "https://e.org" }, "doi"],
    [{ doi: "10.1234/has space", url: "https://e.org" }, "doi"],
    [{ doi: "10.1234/x", url: "http://e.org" }, "url"],
    [{ doi: "10.1234/x", url: "ftp://e.org/x" }, "url"],
    [{ doi: "10.1234/x", url: `https://e.org/${"a".repeat(500)}` }, "url"],
    [{ url: "https://e.org" }, "doi"],
    [{ kind: "PREPRINT" }, "url"],
    [{ kind: "SUMMARY", summary: "short" }, "summary"],
    [{ kind: "SUMMARY" }, "summary"],
    [{ kind: "SUMMARY", summary: "x".repeat(4001) }, "summary"],
    [{ kind: "SUMMARY", summary: "x".repeat(40), title: "Hi" }, "title"],
  ])("refuses %j on the field %s", (fields, path) => {
    const result = ZRegisterOutputSchema.safeParse({ ...base, ...fields });
    expect(result.success).toBe(false);
    expect(result.error!.issues.map((issue) => issue.path[0])).toContain(path);
  });

  it("reads 'no results reported' only after the grace period, and never once an output is on chain", () => {
    const accessUntil = new Date("2026-01-01T00:00:00Z");
    const at = (days: number) => new Date(accessUntil.getTime() + days * DAY);
    const used = { accessUntil, hasDataUse: true, reportedOutputs: 0 };
    expect(resultsStatusOf(used, at(-10), 365)).toBe("AWAITING");
    expect(resultsStatusOf(used, at(365), 365)).toBe("AWAITING");
    expect(resultsStatusOf(used, at(365.01), 365)).toBe("NO_RESULTS");
    expect(resultsStatusOf(used, at(0.5), 0)).toBe("NO_RESULTS");
    expect(resultsStatusOf({ ...used, reportedOutputs: 1 }, at(999), 365)).toBe("REPORTED");
    expect(resultsStatusOf({ ...used, hasDataUse: false }, at(999), 365)).toBe("NO_DATA_USED");
  });
});
