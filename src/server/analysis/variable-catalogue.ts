import "server-only";
import type { ColumnClass } from "~/server/privacy/column-classifier";

/**
 * The variables a cohort offers (docs/compute-to-data.md §1). A column is analysable only when
 * de-identification classified it as a category, measurement or age in every listing of the
 * cohort; identifiers, dates and free text never are. Names are normalised headers, so a spec
 * can only ever name a catalogue entry, never reach a raw column.
 */
export type CatalogueColumnInput = {
  header: string;
  class: ColumnClass | "age";
  /** The profile's observed range for numbers (already published by the de-identification report). */
  range?: { min: number; max: number };
};

export type CatalogueVariable =
  | { name: string; type: "categorical" }
  | { name: string; type: "numeric"; plausible: { min: number; max: number } };

export type VariableCatalogue = ReadonlyMap<string, CatalogueVariable>;

export function normaliseHeader(header: string): string {
  const name = header
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "_")
    .replace(/^_+|_+$/g, "")
    .slice(0, 48);
  return /^[a-z]/.test(name) ? name : `v_${name}`.slice(0, 48);
}

/** Rounds outward to 2 significant digits, so the published range never narrows the truth. */
export function roundOutward(value: number, direction: "down" | "up"): number {
  if (value === 0 || !Number.isFinite(value)) return value;
  const step = 10 ** (Math.floor(Math.log10(Math.abs(value))) - 1);
  const rounded =
    (direction === "down" ? Math.floor(value / step) : Math.ceil(value / step)) * step;
  return Number(rounded.toPrecision(2));
}

function typeOf(column: CatalogueColumnInput): "categorical" | "numeric" | undefined {
  if (column.class === "category") return "categorical";
  if ((column.class === "measurement" || column.class === "age") && column.range) return "numeric";
  return undefined;
}

export function buildVariableCatalogue(listings: CatalogueColumnInput[][]): VariableCatalogue {
  const catalogue = new Map<string, CatalogueVariable>();
  if (listings.length === 0) return catalogue;
  const perListing = listings.map(
    (columns) => new Map(columns.map((column) => [normaliseHeader(column.header), column])),
  );
  for (const [name, first] of perListing[0]!) {
    const type = typeOf(first);
    if (!type) continue;
    const all = perListing.map((columns) => columns.get(name));
    if (all.some((column) => !column || typeOf(column) !== type)) continue;
    if (type === "categorical") {
      catalogue.set(name, { name, type });
      continue;
    }
    const min = Math.min(...all.map((column) => column!.range!.min));
    const max = Math.max(...all.map((column) => column!.range!.max));
    const plausible = { min: roundOutward(min, "down"), max: roundOutward(max, "up") };
    catalogue.set(name, { name, type, plausible });
  }
  return catalogue;
}

export function describeCatalogue(catalogue: VariableCatalogue): string {
  return [...catalogue.keys()].sort().join(", ") || "no analysable variables";
}
