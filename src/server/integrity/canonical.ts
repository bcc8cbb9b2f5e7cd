import "server-only";
/**
 * Canonical form of a record, so that the same data always hashes the same way no matter how
 * it was read. Documented in docs/integrity.md for auditors who re-implement it:
 * - objects: keys sorted by UTF-16 code unit order, recursively; undefined members dropped;
 * - strings: Unicode NFC; numbers: finite only, -0 as 0, JSON's shortest form;
 * - output: JSON without whitespace, encoded as UTF-8.
 */
export type CanonicalValue =
  null | boolean | number | string | CanonicalValue[] | { [key: string]: CanonicalValue };

export function canonicalize(value: unknown): CanonicalValue {
  if (value === null || value === undefined) return null;
  if (typeof value === "boolean") return value;
  if (typeof value === "number") {
    if (!Number.isFinite(value)) throw new TypeError(`Cannot canonicalize the number ${value}`);
    return Object.is(value, -0) ? 0 : value;
  }
  if (typeof value === "bigint") return value.toString();
  if (typeof value === "string") return value.normalize("NFC");
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map((item) => canonicalize(item));
  if (typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, member]) => member !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return Object.fromEntries(
      entries.map(([key, member]) => [key.normalize("NFC"), canonicalize(member)]),
    );
  }
  throw new TypeError(`Cannot canonicalize a value of type ${typeof value}`);
}

export function canonicalJson(value: unknown): string {
  return JSON.stringify(canonicalize(value));
}
