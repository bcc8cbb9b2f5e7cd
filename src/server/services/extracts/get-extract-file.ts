import "server-only";
import type { Chain } from "~/server/chain/client";
import type { DbClient } from "~/server/db";
import { AppError } from "~/server/errors";
import { getBlob } from "~/server/storage/blob-store";

export const EXTRACT_FILES = {
  csv: { field: "csvBlobKey", type: "text/csv", name: "extract.csv" },
  fhir: { field: "fhirBlobKey", type: "application/fhir+json", name: "extract.fhir.json" },
  manifest: { field: "manifestBlobKey", type: "application/json", name: "manifest.json" },
} as const;

export type ExtractFile = keyof typeof EXTRACT_FILES;

/**
 * A file of an extract, for the researcher who requested it, while access lasts: the period
 * has not ended and every delivered listing's consent still permits the purpose on chain.
 */
export async function getExtractFile(options: {
  db: DbClient;
  chain: Chain;
  researcherId: string;
  extractId: string;
  file: ExtractFile;
}) {
  const extract = await options.db.extract.findUnique({
    where: { id: options.extractId },
    select: {
      csvBlobKey: true,
      fhirBlobKey: true,
      manifestBlobKey: true,
      request: {
        select: {
          researcherId: true,
          accessUntil: true,
          purpose: true,
          dataUses: { select: { listing: { select: { chainKey: true } } } },
        },
      },
    },
  });
  if (!extract || extract.request.researcherId !== options.researcherId)
    throw new AppError("NOT_FOUND", "No extract of yours has this id.");
  if (extract.request.accessUntil < new Date())
    throw new AppError("FORBIDDEN", "The access period of this request has ended.");
  for (const use of extract.request.dataUses) {
    if (
      !(await options.chain.contracts.marketplace.isPermitted(
        use.listing.chainKey,
        extract.request.purpose,
      ))
    ) {
      throw new AppError(
        "FORBIDDEN",
        "Consent for data in this extract has been revoked or has expired; it can no longer be downloaded.",
      );
    }
  }
  const spec = EXTRACT_FILES[options.file];
  return { ...spec, body: await getBlob(extract[spec.field]) };
}
