/**
 * Which columns are quasi-identifiers (with other data they can single a person out), by name;
 * pooled extracts generalise them until every record shares its values with k-1 others. The
 * browser uses it to tell a participant, before consenting, what happens to each column.
 */
export type QuasiKind = "age" | "zip" | "year" | "category";

export function quasiIdentifierKind(column: string): QuasiKind | null {
  const name = column.toLowerCase();
  if (/(^|_)(age|age_band|age_group)($|_)/.test(name)) return "age";
  if (/zip|postal|postcode/.test(name)) return "zip";
  if (/birth|dob|year/.test(name)) return "year";
  if (/(^|_)(gender|sex|race|ethnicity|marital|marital_status|state)($|_)/.test(name))
    return "category";
  return null;
}

/** k of pooled extracts unless a researcher asks for more; never below the minimum. */
export const EXTRACT_DEFAULT_K = 5;
export const EXTRACT_MIN_K = 2;
/** Share of records an extract may withhold to reach k; beyond it the extract is refused. */
export const MAX_SUPPRESSION_SHARE = 0.05;
