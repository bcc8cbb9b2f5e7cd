import { describe, expect, it } from "vitest";
import { toEpsilonCentis, ZCreateListingDraftSchema } from "./listing-draft";

const draft = (overrides: Record<string, unknown> = {}) => ({
  uploadId: "upload-1",
  title: "HbA1c readings",
  price: "2",
  purposes: ["ACADEMIC_RESEARCH"],
  consentExpiresAt: new Date(Date.now() + 30 * 864e5).toISOString().slice(0, 10),
  autoApprove: true,
  ...overrides,
});

const issueOf = (overrides: Record<string, unknown>) => {
  const parsed = ZCreateListingDraftSchema.safeParse(draft(overrides));
  return parsed.success ? null : parsed.error.issues[0]!.message;
};

describe("consent terms: privacy budget and smallest group", () => {
  it("defaults to no analyses and groups of at least 10", () => {
    const parsed = ZCreateListingDraftSchema.parse(draft());
    expect(parsed.epsilonBudget).toBe(0);
    expect(parsed.minCellCount).toBe(10);
  });

  it("never lets an owner lower the smallest group below 5", () => {
    expect(issueOf({ minCellCount: 4 })).toMatch(/at least 5/);
    expect(issueOf({ minCellCount: 5 })).toBeNull();
    expect(issueOf({ minCellCount: 7.5 })).toMatch(/whole number/);
  });

  it("caps the budget at ε 20, in hundredths, never negative", () => {
    expect(issueOf({ epsilonBudget: 20.01 })).toMatch(/at most ε 20/);
    expect(issueOf({ epsilonBudget: -1 })).toMatch(/negative/);
    expect(issueOf({ epsilonBudget: 1.255 })).toMatch(/hundredths/);
    expect(issueOf({ epsilonBudget: 20 })).toBeNull();
    expect(toEpsilonCentis(1.1)).toBe(110);
    expect(toEpsilonCentis(0.29)).toBe(29);
  });
});
