import { z } from "zod";

/**
 * Dates the app accepts: from 1970 (the chain keeps times as unsigned seconds: uint40 in
 * consent terms, uint48 in forward requests) to the end of year 9999, the last year that
 * PostgreSQL, JavaScript and ISO 8601 strings all write with four digits, well inside uint40
 * (year 36812). A date outside is refused at the door, never stored to break a page later.
 */
export const EARLIEST_DATE = new Date("1970-01-01T00:00:00.000Z");
export const LATEST_DATE = new Date("9999-12-31T23:59:59.999Z");

export const ZChainDateSchema = z.coerce
  .date({ error: "Enter a date like 2031-12-31" })
  .min(EARLIEST_DATE, "Enter a date from 1970 on")
  .max(LATEST_DATE, "Enter a date before the year 10000");

const CENTURY_MS = 100 * 365.25 * 24 * 60 * 60 * 1000;

/** A date that must come within the next hundred years (consent expiry, access windows). */
export const ZFutureDateSchema = ZChainDateSchema.refine(
  (date) => date.getTime() <= Date.now() + CENTURY_MS,
  "Choose a date within the next hundred years",
);
