import "server-only";
import { EigenvalueDecomposition, inverse, Matrix } from "ml-matrix";

/**
 * Coefficients from (noisy) sufficient statistics (docs/compute-to-data.md §1): M = Z'Z of
 * z = (1, x…, y) on the rescaled scale. Linear: ordinary least squares. Logistic: the PASS-GLM
 * second-order approximation β = 4 (X'X)⁻¹ Σ(y − ½)x. Pure post-processing: no ε is spent here.
 */
export type Scaling = { centre: number; half: number };
export type FitTerm = { term: string; estimate: number; se: number };

/** A noisy X'X may not be positive definite: floor its eigenvalues (post-processing). */
export function repairPositiveDefinite(xtx: Matrix): Matrix {
  const symmetric = xtx.add(xtx.transpose()).div(2);
  const eig = new EigenvalueDecomposition(symmetric, { assumeSymmetric: true });
  const values = eig.realEigenvalues;
  const floor = Math.max(1e-6, 1e-6 * values.reduce((a, b) => a + Math.abs(b), 0));
  const v = eig.eigenvectorMatrix;
  return v.mmul(Matrix.diag(values.map((x) => Math.max(x, floor)))).mmul(v.transpose());
}

export function fitFromMoments(
  kind: "linear" | "logistic",
  moments: Matrix,
  terms: readonly string[],
  covariateScaling: readonly Scaling[],
  outcomeScaling: Scaling,
): { n: number; coefficients: FitTerm[] } {
  const d = moments.rows; // intercept, covariates, outcome
  const p = d - 1;
  const xtx = repairPositiveDefinite(moments.subMatrix(0, p - 1, 0, p - 1));
  const xty = moments.subMatrix(0, p - 1, p, p);
  const n = moments.get(0, 0);
  const inv = inverse(xtx);
  let beta: Matrix;
  let covariance: Matrix;
  if (kind === "linear") {
    beta = inv.mmul(xty);
    const residual = moments.get(p, p) - beta.transpose().mmul(xty).get(0, 0);
    const sigma2 = Math.max(0, residual) / Math.max(1, n - p);
    covariance = inv.mul(sigma2);
  } else {
    const xOnes = moments.subMatrix(0, p - 1, 0, 0);
    beta = inv.mmul(xty.sub(xOnes.mul(0.5))).mul(4);
    covariance = inv.mul(4); // Fisher information at β = 0 is X'X/4
  }
  // Back to the variables' own units: x = centre + half·x̃, y = centre + half·ỹ.
  const transform = Matrix.zeros(p, p);
  transform.set(0, 0, outcomeScaling.half);
  for (let j = 1; j < p; j++) {
    const { centre, half } = covariateScaling[j - 1]!;
    transform.set(j, j, outcomeScaling.half / half);
    transform.set(0, j, (-outcomeScaling.half * centre) / half);
  }
  const estimate = transform.mmul(beta);
  estimate.set(0, 0, estimate.get(0, 0) + outcomeScaling.centre);
  const cov = transform.mmul(covariance).mmul(transform.transpose());
  const coefficients = terms.map((term, j) => ({
    term,
    estimate: estimate.get(j, 0),
    se: Math.sqrt(Math.max(0, cov.get(j, j))),
  }));
  return { n, coefficients };
}
