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
  return flatRecordJson(value) ?? JSON.stringify(canonicalize(value));
}

const byCodeUnit = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
/** The rows of one file share their keys: the last key list checked and sorted is reused. */
let lastKeys: string[] = [];
let lastSorted: string[] | null = null;

function sortedFlatKeys(keys: string[]): string[] | null {
  if (keys.length === lastKeys.length && keys.every((key, index) => key === lastKeys[index]))
    return lastSorted;
  lastKeys = keys;
  lastSorted = keys.every((key) => key !== "__proto__" && key.normalize("NFC") === key)
    ? [...keys].sort(byCodeUnit)
    : null;
  return lastSorted;
}

/**
 * The same text as the general path for the common case, a parsed CSV row (a flat object of
 * strings, keys already in NFC), built without the general path's copies: an analysis hashes
 * every record of its cohort. The copy orders array-index keys first as the general path's does.
 * Anything else returns null.
 */
function flatRecordJson(value: unknown): string | null {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return null;
  if (Object.getPrototypeOf(value) !== Object.prototype) return null;
  const record = value as Record<string, unknown>;
  const sorted = sortedFlatKeys(Object.keys(record));
  if (!sorted) return null;
  const copy: Record<string, string> = {};
  for (const key of sorted) {
    const member = record[key];
    if (typeof member !== "string") return null;
    copy[key] = member.normalize("NFC");
  }
  return JSON.stringify(copy);
}
