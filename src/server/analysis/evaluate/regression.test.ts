import { describe, expect, it } from "vitest";
import { cohortOf, specOf } from "../disclosure/test-cohort";
import { seededRandom } from "../noise/random";
import { boundContributions } from "./columns";
import { DELTA } from "../noise/epsilon";
import { fitExact, releaseRegression } from "./regression";
import { evaluateAnalysis } from "./run";

/**
 * Known values by hand. Linear: x = 0, 1, 2, 3 and y = 1, 3, 2, 5 give x̄ = 1.5, ȳ = 2.75,
 * Sxx = 5, Sxy = 5.5, so slope = 1.1, intercept = 2.75 − 1.1·1.5 = 1.1; residuals −0.1, 0.8,
 * −1.3, 0.6, SSR = 2.7, σ̂² = 2.7/2 = 1.35, SE(slope) = √(1.35/5) = 0.519615…,
 * SE(intercept) = √(1.35·(1/4 + 1.5²/5)) = √0.945 = 0.972111…
 * Logistic (PASS-GLM, β = 4 (X'X)⁻¹ Σ(y − ½)x): x = −1, −1, 1, 1 and y = 0, 0, 1, 0 give
 * X'X = diag(4, 4), Σ(y − ½) = −1, Σ(y − ½)x = 1, so β = (−1, 1); SE = √(4/4) = 1 each.
 */
const linearSpec = specOf({
  version: 1,
  epsilonCentis: 100,
  query: {
    kind: "linear",
    outcome: { variable: "y", min: 0, max: 8 },
    covariates: [{ variable: "x", min: 0, max: 4 }],
  },
});

describe("regression from sufficient statistics", () => {
  it("linear: matches least squares computed by hand", () => {
    const rows = [0, 1, 2, 3].map((x, i) => [{ x, y: [1, 3, 2, 5][i]! }]);
    const columns = cohortOf(rows, linearSpec);
    const q = linearSpec.query;
    if (q.kind !== "linear") throw new Error("linear");
    const fit = fitExact("linear", q.covariates, q.outcome, columns, [0, 1, 2, 3]);
    expect(fit.n).toBe(4);
    const [intercept, slope] = fit.coefficients;
    expect(intercept!.term).toBe("(intercept)");
    expect(intercept!.estimate).toBeCloseTo(1.1, 10);
    expect(slope!.estimate).toBeCloseTo(1.1, 10);
    expect(slope!.se).toBeCloseTo(Math.sqrt(1.35 / 5), 10);
    expect(intercept!.se).toBeCloseTo(Math.sqrt(0.945), 10);
  });

  it("logistic: matches the PASS-GLM approximation computed by hand", () => {
    const spec = specOf({
      version: 1,
      epsilonCentis: 100,
      query: {
        kind: "logistic",
        outcome: { variable: "event", levels: ["no", "yes"] },
        covariates: [{ variable: "x", min: -1, max: 1 }],
      },
    });
    const rows = [-1, -1, 1, 1].map((x, i) => [{ x, event: ["no", "no", "yes", "no"][i]! }]);
    const q = spec.query;
    if (q.kind !== "logistic") throw new Error("logistic");
    const fit = fitExact("logistic", q.covariates, q.outcome, cohortOf(rows, spec), [0, 1, 2, 3]);
    const [b0, b1] = fit.coefficients;
    expect(b0!.estimate).toBeCloseTo(-1, 10);
    expect(b1!.estimate).toBeCloseTo(1, 10);
    expect(b0!.se).toBeCloseTo(1, 10);
    expect(b1!.se).toBeCloseTo(1, 10);
  });

  it("categorical covariates are dummy coded against their first level", () => {
    const spec = specOf({
      version: 1,
      epsilonCentis: 100,
      query: {
        kind: "linear",
        // A range whose lattice (2⁻⁸ of half the range) holds every y exactly.
        outcome: { variable: "y", min: 0, max: 8 },
        covariates: [{ variable: "arm", levels: ["control", "treated"] }],
      },
    });
    // Means by hand: control 2, treated 6, other 4 → intercept 2, treated +4, other +2.
    const rows = [
      { arm: "control", y: 1 },
      { arm: "control", y: 3 },
      { arm: "treated", y: 5 },
      { arm: "treated", y: 7 },
      { arm: "placebo", y: 4 },
    ].map((row) => [row]);
    const q = spec.query;
    if (q.kind !== "linear") throw new Error("linear");
    const fit = fitExact("linear", q.covariates, q.outcome, cohortOf(rows, spec), [0, 1, 2, 3, 4]);
    expect(fit.coefficients.map((c) => c.term)).toEqual([
      "(intercept)",
      "arm=treated",
      "arm=other",
    ]);
    const estimates = fit.coefficients.map((c) => c.estimate);
    [2, 4, 2].forEach((value, i) => expect(estimates[i]).toBeCloseTo(value, 10));
  });

  it("released: close to the truth on a large cohort, suppressed on a small one", () => {
    const rng = seededRandom(3);
    const rows = Array.from({ length: 3_000 }, () => {
      const x = (rng.nextUint32() / 2 ** 32) * 4;
      const noise = (rng.nextUint32() / 2 ** 32 - 0.5) * 0.5;
      return [{ x, y: 1 + 1.5 * x + noise }];
    });
    const columns = cohortOf(rows, linearSpec);
    const big = evaluateAnalysis(linearSpec, columns, { threshold: 10, rng: seededRandom(11) });
    if (big.output.kind !== "linear") throw new Error("linear");
    expect(big.allSuppressed).toBe(false);
    expect(big.output.n! % 6).toBe(3);
    const [intercept, slope] = big.output.coefficients!;
    expect(slope!.estimate).toBeGreaterThan(1.3);
    expect(slope!.estimate).toBeLessThan(1.7);
    expect(intercept!.estimate).toBeGreaterThan(0.6);
    expect(intercept!.estimate).toBeLessThan(1.4);
    expect(big.disclosure.mechanism).toBe("discrete-gaussian");
    // 12 listings: above t but not above the noisy threshold, so nothing is released.
    const small = cohortOf(rows.slice(0, 12), linearSpec);
    const few = evaluateAnalysis(linearSpec, small, { threshold: 10, rng: seededRandom(11) });
    expect(few.allSuppressed).toBe(true);
    expect(few.output).toEqual({ kind: "linear", n: null, coefficients: null });
    expect(boundContributions(linearSpec, small, seededRandom(1))).toHaveLength(12);
  });

  it("a reference level just above one draw's threshold is still withheld: its size sums 1 + k draws", () => {
    const spec = specOf({
      version: 1,
      epsilonCentis: 100,
      query: {
        kind: "linear",
        outcome: { variable: "y", min: 0, max: 8 },
        covariates: [{ variable: "arm", levels: ["control", "treated"] }],
      },
    });
    const q = spec.query;
    if (q.kind !== "linear") throw new Error("linear");
    const cohort = (control: number) => {
      const rows = [
        ...Array.from({ length: control }, () => ({ arm: "control", y: 2 })),
        ...Array.from({ length: 400 }, () => ({ arm: "treated", y: 6 })),
        ...Array.from({ length: 400 }, () => ({ arm: "placebo", y: 4 })),
      ].map((row) => [row]);
      return { columns: cohortOf(rows, spec), records: rows.map((_, i) => i) };
    };
    const release = (control: number, seed: number) => {
      const { columns, records } = cohort(control);
      return releaseRegression("linear", q.covariates, q.outcome, columns, records, {
        epsilonCentis: 100,
        recordsPerListing: 1,
        threshold: 10,
        rng: seededRandom(seed),
      });
    };
    const { noisyThreshold: tau, sigmaCount } = release(400, 1);
    // The reference ("control") size is n − treated − other: three draws, σ·√3 of noise. At one
    // draw's τ a noisy size clears τ about half the time; the widened τ is √3 margins above it,
    // (√3 − 1)·σ·√(2 ln 1/δ) / (σ·√3) ≈ 2.4 standard deviations: about 1 % of draws.
    const margin = sigmaCount * Math.sqrt(2 * Math.log(1 / DELTA));
    expect(margin).toBeGreaterThan(1);
    const released = Array.from({ length: 40 }, (_, seed) => release(tau, seed + 1)).filter(
      (r) => !r.suppressed,
    );
    expect(released.length).toBeLessThanOrEqual(2);
    // Far above the widened τ the same design is released.
    expect(release(tau + Math.ceil(3 * margin), 1).suppressed).toBe(false);
  });
});
