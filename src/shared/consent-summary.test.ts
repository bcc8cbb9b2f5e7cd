import { describe, expect, it } from "vitest";
import { describeConsent, PLAIN_PURPOSES } from "./consent-summary";
import { PURPOSE_KEYS } from "./purposes";

const base = {
  purposes: ["ACADEMIC_RESEARCH" as const],
  keepColumns: ["pseudonym", "age", "zip3", "birth_year", "sex", "hba1c_pct"],
  autoApprove: false,
  expiresAt: "2027-12-01",
  isLinkedToTrial: true,
};

describe("plain-language consent", () => {
  it("explains every purpose a participant can allow", () => {
    for (const key of PURPOSE_KEYS) {
      expect(PLAIN_PURPOSES[key].allows.length).toBeGreaterThan(40);
      expect(PLAIN_PURPOSES[key].excludes.length).toBeGreaterThan(10);
    }
    const summary = describeConsent({ ...base, purposes: ["AI_TRAINING", "PUBLIC_HEALTH"] });
    expect(summary.purposes.map((purpose) => purpose.key)).toEqual([
      "AI_TRAINING",
      "PUBLIC_HEALTH",
    ]);
    expect(summary.purposes[0]!.excludes).toMatch(/cannot be un-trained/);
  });

  it("says what happens to each kept column under the k-anonymity rules", () => {
    const columns = Object.fromEntries(
      describeConsent(base).columns.map((entry) => [entry.column, entry.treatment]),
    );
    expect(columns.age).toMatch(/age bands/);
    expect(columns.zip3).toMatch(/region/);
    expect(columns.birth_year).toMatch(/decade/);
    expect(columns.sex).toMatch(/enough others/);
    expect(columns.hba1c_pct).toBe("kept as it is");
    expect(describeConsent(base).receives.join(" ")).toMatch(/k = 5 by default, never below 2/);
  });

  it("says what can be revoked later and what cannot", () => {
    const summary = describeConsent(base);
    expect(summary.revocable.join(" ")).toMatch(/revoke consent at any time/);
    expect(summary.revocable.join(" ")).toMatch(/2027-12-01/);
    expect(summary.revocable.join(" ")).toMatch(/withdraw from the trial/);
    expect(describeConsent({ ...base, isLinkedToTrial: false }).revocable.join(" ")).not.toMatch(
      /trial/,
    );
    expect(summary.notRevocable.join(" ")).toMatch(/already delivered/);
    expect(summary.decisions).toMatch(/You decide each request/);
  });
});
