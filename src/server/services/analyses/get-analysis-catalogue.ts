import "server-only";
import Papa from "papaparse";
import type { Chain } from "~/server/chain/client";
import type { DbClient } from "~/server/db";
import {
  buildVariableCatalogue,
  type CatalogueColumnInput,
} from "~/server/analysis/variable-catalogue";
import { assertUsableRequest } from "~/server/services/extracts/approved-request";
import { mapConcurrent } from "~/shared/map-concurrent";
import { catalogueColumns } from "./load-cohort";
import { ANALYSIS_REQUEST_SELECT, readListingsOnChain } from "./prepare-analysis";
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
    select: ANALYSIS_REQUEST_SELECT,
  });
  assertUsableRequest(request, options.researcherId);

  const listings: { title: string; epsilonLeft: number; usable: boolean }[] = [];
  const columns: CatalogueColumnInput[][] = [];
  const minimums: number[] = [];
  // As prepareAnalysis reads them: batched, from one block.
  const onChain = await readListingsOnChain(
    chain,
    request.chainKey,
    request.items.filter(({ listing }) => !listing.erasedAt && listing.blobKey),
  );
  const usableItems: typeof request.items = [];
  for (const item of request.items) {
    const { listing } = item;
    const read = onChain.get(item.itemIndex);
    if (!read || !listing.blobKey) {
      listings.push({ title: listing.title, epsilonLeft: 0, usable: false });
      continue;
    }
    const { total, spent } = read.budget;
    const left = Math.max(0, total - spent - (listing.budget?.reservedCentis ?? 0));
    const usable = read.inForce && left > 0;
    listings.push({ title: listing.title, epsilonLeft: usable ? left / 100 : 0, usable });
    if (!usable) continue;
    minimums.push(listing.consent?.minCellCount ?? ANALYSIS_LIMITS.defaultThreshold);
    usableItems.push(item);
  }
  columns.push(
    ...(await mapConcurrent(usableItems, 8, ({ listing }) =>
      analysableColumns(listing.blobKey!, listing.report),
    )),
  );
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

/** A listing's analysable columns exactly as the run sees them (load-cohort's reading). */
async function analysableColumns(blobKey: string, report: unknown) {
  const rows = Papa.parse<Record<string, string>>((await getBlob(blobKey)).toString("utf8"), {
    header: true,
    skipEmptyLines: "greedy",
  }).data;
  return catalogueColumns(report, rows);
}
