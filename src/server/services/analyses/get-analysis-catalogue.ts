import "server-only";
import Papa from "papaparse";
import type { Chain } from "~/server/chain/client";
import type { DbClient } from "~/server/db";
import { AppError } from "~/server/errors";
import {
  buildVariableCatalogue,
  type CatalogueColumnInput,
} from "~/server/analysis/variable-catalogue";
import type { DeidReport } from "~/server/privacy/report";
import { getBlob } from "~/server/storage/blob-store";
import { ANALYSIS_LIMITS } from "~/shared/analysis-spec";

/**
 * What the analysis builder offers (docs/compute-to-data.md §5, `analyses.catalogue`): the
 * variables every usable listing of the researcher's own approved request has, a number's
 * plausible range (rounded outward), the smallest group shown, the ε each listing has left and
 * the analysis credits left. Levels are never read from the data: the researcher declares them.
 * Nothing is reserved or spent.
 */
export async function getAnalysisCatalogue(options: {
  db: DbClient;
  chain: Chain;
  researcherId: string;
  requestId: string;
}) {
  const { db, chain } = options;
  const request = await db.accessRequest.findUnique({
    where: { id: options.requestId },
    select: {
      id: true,
      chainKey: true,
      researcherId: true,
      accessUntil: true,
      anchorStatus: true,
      analysisCredits: true,
      items: {
        where: { status: "APPROVED" },
        orderBy: { itemIndex: "asc" },
        select: {
          itemIndex: true,
          listing: {
            select: {
              id: true,
              chainKey: true,
              title: true,
              blobKey: true,
              report: true,
              erasedAt: true,
              consent: { select: { minCellCount: true } },
              budget: { select: { reservedCentis: true } },
            },
          },
        },
      },
    },
  });
  if (!request || request.researcherId !== options.researcherId)
    throw new AppError("NOT_FOUND", "No request of yours has this id.");
  if (request.anchorStatus !== "CONFIRMED")
    throw new AppError("CONFLICT", "This request is not recorded on chain yet.");
  if (request.accessUntil < new Date())
    throw new AppError("FORBIDDEN", "The access period of this request has ended.");
  if (request.items.length === 0)
    throw new AppError("FORBIDDEN", "No listing of this request is approved (yet).");

  const listings: { title: string; epsilonLeft: number; usable: boolean }[] = [];
  const columns: CatalogueColumnInput[][] = [];
  const minimums: number[] = [];
  for (const { itemIndex, listing } of request.items) {
    if (listing.erasedAt || !listing.blobKey) {
      listings.push({ title: listing.title, epsilonLeft: 0, usable: false });
      continue;
    }
    const [, , isConsentInForce] = await chain.contracts.marketplace.itemState(
      request.chainKey,
      itemIndex,
    );
    const [total, spent] = await chain.contracts.marketplace.privacyBudget(listing.chainKey);
    const left = Math.max(0, Number(total) - Number(spent) - (listing.budget?.reservedCentis ?? 0));
    const usable = isConsentInForce && left > 0;
    listings.push({ title: listing.title, epsilonLeft: usable ? left / 100 : 0, usable });
    if (!usable) continue;
    minimums.push(listing.consent?.minCellCount ?? ANALYSIS_LIMITS.defaultThreshold);
    columns.push(await analysableColumns(listing.blobKey, listing.report));
  }
  const used = await db.analysisJob.count({
    where: { requestId: request.id, status: { in: ["RESERVED", "CHARGING", "RELEASED"] } },
  });
  const catalogue = buildVariableCatalogue(columns);
  return {
    requestId: request.id,
    variables: [...catalogue.values()]
      .map((variable) =>
        variable.type === "numeric"
          ? { name: variable.name, type: variable.type, plausible: variable.plausible }
          : { name: variable.name, type: variable.type, plausible: null },
      )
      .sort((a, b) => a.name.localeCompare(b.name)),
    threshold:
      minimums.length > 0
        ? Math.max(ANALYSIS_LIMITS.minThreshold, ...minimums)
        : ANALYSIS_LIMITS.defaultThreshold,
    listings,
    creditsLeft: Math.max(0, request.analysisCredits - used),
  };
}

/**
 * A listing's analysable columns as the run sees them: the class from its de-identification
 * report, a measurement's range from its decrypted values (rounded outward by the catalogue).
 */
async function analysableColumns(blobKey: string, report: unknown) {
  const rows = Papa.parse<Record<string, string>>((await getBlob(blobKey)).toString("utf8"), {
    header: true,
    skipEmptyLines: "greedy",
  }).data;
  const classes = (report as Partial<DeidReport> | null)?.columns ?? [];
  return classes.map(({ column, class: columnClass }): CatalogueColumnInput => {
    if (columnClass !== "measurement") return { header: column, class: columnClass };
    let min = Infinity;
    let max = -Infinity;
    for (const row of rows) {
      // As the run reads them (an empty value reads 0), so the ranges agree with its check.
      const value = Number(row[column]);
      if (!Number.isFinite(value)) continue;
      if (value < min) min = value;
      if (value > max) max = value;
    }
    return min <= max
      ? { header: column, class: columnClass, range: { min, max } }
      : { header: column, class: columnClass };
  });
}
