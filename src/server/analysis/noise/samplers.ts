import "server-only";
import { uniformBelow, type RandomSource } from "./random";

/**
 * Exact samplers of Canonne, Kamath and Steinke, "The Discrete Gaussian for Differential
 * Privacy" (2020), Algorithms 1–3, over BigInt rationals. Floating-point Laplace noise leaks
 * through its low bits (Mironov 2012); here every decision is a comparison of integers, so the
 * output distribution is exactly the one the privacy proof assumes.
 */
export type Rational = { num: bigint; den: bigint };

export function bernoulli(p: Rational, rng: RandomSource): boolean {
  if (p.num <= 0n) return false;
  if (p.num >= p.den) return true;
  return uniformBelow(p.den, rng) < p.num;
}

/** Bernoulli(exp(−γ)) for a rational γ ≥ 0 (Algorithm 1). */
export function bernoulliExpNeg(gamma: Rational, rng: RandomSource): boolean {
  const { num, den } = gamma;
  if (num < 0n || den <= 0n) throw new RangeError("γ must be a non-negative rational");
  const whole = num / den;
  for (let i = 0n; i < whole; i++) if (!bernoulliExpNegAtMostOne(1n, 1n, rng)) return false;
  return bernoulliExpNegAtMostOne(num - whole * den, den, rng);
}

function bernoulliExpNegAtMostOne(num: bigint, den: bigint, rng: RandomSource): boolean {
  let k = 1n;
  while (bernoulli({ num, den: den * k }, rng)) k++;
  return k % 2n === 1n;
}

/** Discrete Laplace with scale s/t: P(x) ∝ exp(−|x|·t/s) (Algorithm 2). */
export function sampleDiscreteLaplace(scale: Rational, rng: RandomSource): bigint {
  // CKS20 name the scale t/s: t is the numerator.
  const t = scale.num;
  const s = scale.den;
  if (s <= 0n || t <= 0n) throw new RangeError("The scale must be positive");
  for (;;) {
    const u = uniformBelow(t, rng);
    if (!bernoulliExpNeg({ num: u, den: t }, rng)) continue;
    let v = 0n;
    while (bernoulliExpNeg({ num: 1n, den: 1n }, rng)) v++;
    const y = (u + t * v) / s;
    const negative = bernoulli({ num: 1n, den: 2n }, rng);
    if (negative && y === 0n) continue;
    return negative ? -y : y;
  }
}

/** Discrete Gaussian with variance parameter σ² (rational): P(x) ∝ exp(−x²/2σ²) (Algorithm 3). */
export function sampleDiscreteGaussian(sigma2: Rational, rng: RandomSource): bigint {
  const { num, den } = sigma2;
  if (num <= 0n || den <= 0n) throw new RangeError("σ² must be positive");
  const t = isqrt(num / den) + 1n;
  for (;;) {
    const y = sampleDiscreteLaplace({ num: t, den: 1n }, rng);
    const abs = y < 0n ? -y : y;
    // γ = (|y| − σ²/t)² / (2σ²) = (|y|·t·den − num)² / (2·t²·den·num)
    const diff = abs * t * den - num;
    const gamma = { num: diff * diff, den: 2n * t * t * den * num };
    if (bernoulliExpNeg(gamma, rng)) return y;
  }
}

export function isqrt(n: bigint): bigint {
  if (n < 2n) return n;
  let x = BigInt(Math.floor(Math.sqrt(Number(n))));
  while (x * x > n) x--;
  while ((x + 1n) * (x + 1n) <= n) x++;
  return x;
}

/** A positive float parameter as a rational no smaller than it (noise may only grow). */
export function rationalAtLeast(value: number, denominator = 1n << 20n): Rational {
  if (!(value > 0) || !Number.isFinite(value)) throw new RangeError("Expected a positive number");
  const num = BigInt(Math.ceil(value * Number(denominator))) + 1n;
  return { num, den: denominator };
}
