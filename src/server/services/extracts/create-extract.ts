import "server-only";
import Papa from "papaparse";
import { escapeCell, escapeRow } from "~/shared/csv-safety";
import type { Chain } from "~/server/chain/client";
import type { DbClient } from "~/server/db";
import { AppError } from "~/server/errors";
import { computeDataRoot, hashRecord } from "~/server/integrity/merkle";
import { anonymize } from "~/server/privacy/k-anonymity";
import { putBlob } from "~/server/storage/blob-store";
import { recordDelivery } from "~/server/services/requests/record-delivery";
import { MAX_SUPPRESSION_SHARE } from "~/shared/quasi-identifiers";
import {
  APPROVED_ITEMS,
  assertUsableRequest,
  isItemConsentInForce,
  readAnchoredRecords,
} from "./approved-request";
import { toFhirBundle } from "./fhir-export";

/**
 * Builds the pooled extract of a request's approved listings: records whose consent still
 * permits the purpose on chain, pooled, made k-anonymous (or refused), with a manifest that
 * ties every record to its listing's anchored root by a Merkle proof. The data use is
 * recorded in the outbox before anything is returned: no record, no download.
 */
export async function createExtract(options: {
  db: DbClient;
  chain: Chain;
  researcherId: string;
  requestId: string;
  k: number;
}) {
  const { db, chain } = options;
  const request = await db.accessRequest.findUnique({
    where: { id: options.requestId },
    select: {
      id: true,
      chainKey: true,
      researcherId: true,
      purpose: true,
      accessUntil: true,
      anchorStatus: true,
      items: {
        ...APPROVED_ITEMS,
        select: {
          itemIndex: true,
          listing: { select: { id: true, chainKey: true, blobKey: true, dataRoot: true } },
        },
      },
    },
  });
  assertUsableRequest(request, options.researcherId);

  const permitted = [];
  for (const item of request.items)
    if (await isItemConsentInForce(chain, request.chainKey, item.itemIndex))
      permitted.push(item.listing);
  if (permitted.length === 0)
    throw new AppError(
      "FORBIDDEN",
      "Consent for every approved listing has ended (revoked, given anew, or waiting for the owner's consent to an amended protocol).",
    );

  const pooled: Record<string, string>[] = [];
  const provenance: {
    listing: (typeof permitted)[number];
    dataVersion: number;
    index: number;
    recordHash: string;
    proof: string[];
  }[] = [];
  for (const listing of permitted) {
    const { records, tree, dataVersion } = await readAnchoredRecords(
      chain,
      listing,
      "the extract was not built",
      true,
    );
    for (const [index, record] of records.entries()) {
      pooled.push(record);
      provenance.push({
        listing,
        dataVersion,
        index,
        recordHash: hashRecord(record),
        proof: tree!.getProof(index),
      });
    }
  }
  const columns = [...new Set(pooled.flatMap((record) => Object.keys(record)))];
  const rows = pooled.map((record) =>
    Object.fromEntries(columns.map((column) => [column, record[column] ?? ""])),
  );
  const anonymized = anonymize(rows, { k: options.k, maxSuppressionShare: MAX_SUPPRESSION_SHARE });
  if (!anonymized.ok)
    throw new AppError("BAD_INPUT", `The extract was refused: ${anonymized.reason}`);

  const extractRoot = computeDataRoot(anonymized.rows);
  const manifest = {
    version: 1,
    chainId: chain.chainId,
    marketplace: chain.deployment.contracts.DataMarketplace,
    requestId: request.chainKey,
    extractRoot,
    leafEncoding: ["uint256", "bytes32"],
    records: anonymized.keptIndexes.map((source, row) => ({
      row,
      listingId: provenance[source]!.listing.chainKey,
      dataVersion: provenance[source]!.dataVersion,
      index: provenance[source]!.index,
      recordHash: provenance[source]!.recordHash,
      proof: provenance[source]!.proof,
    })),
  };
  const report = { ...anonymized.report, listings: permitted.length, recordsIn: rows.length };
  await recordDelivery({
    db,
    chain,
    requestId: request.id,
    extractRoot,
    listingIds: permitted.map((listing) => listing.id),
  });
  const [csvBlobKey, fhirBlobKey, manifestBlobKey] = await Promise.all([
    putBlob(
      Buffer.from(
        Papa.unparse(anonymized.rows.map(escapeRow), { columns: columns.map(escapeCell) }),
        "utf8",
      ),
    ),
    putBlob(Buffer.from(JSON.stringify(toFhirBundle(anonymized.rows, request.chainKey)), "utf8")),
    putBlob(Buffer.from(JSON.stringify(manifest, null, 2), "utf8")),
  ]);
  return db.extract.create({
    data: {
      requestId: request.id,
      k: options.k,
      extractRoot,
      csvBlobKey,
      fhirBlobKey,
      manifestBlobKey,
      report,
    },
    select: { id: true, extractRoot: true, report: true },
  });
}
