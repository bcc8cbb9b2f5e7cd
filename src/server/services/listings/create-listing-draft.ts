import "server-only";
import { parseUnits } from "ethers";
import Papa from "papaparse";
import { listingIdFor, newSalt } from "~/server/chain/ids";
import type { DbClient } from "~/server/db";
import { AppError } from "~/server/errors";
import { hashDocument, StreamingDataRoot } from "~/server/integrity/merkle";
import type { DeidReport } from "~/server/privacy/report";
import { createReviewResolver } from "~/server/privacy/review";
import { getBlob, putBlob } from "~/server/storage/blob-store";
import { toPurposeMask, type PurposeKey } from "~/server/services/consent/purposes";
import { DEFAULT_MIN_CELL_COUNT, toEpsilonCentis } from "~/shared/listing-draft";
import { accountFor } from "~/server/services/users/derived-accounts";
import { consentTermsHash } from "./listing-actions";
import { TOKEN_DECIMALS } from "./listing-dto";

export type CreateListingDraftInput = {
  uploadId: string;
  dropColumns: string[];
  /** Review of flagged text: flagged columns and values the participant keeps. */
  keepColumns?: string[];
  keepValues?: { column: string; text: string }[];
  trialId?: string;
  title: string;
  description: string;
  conditions: string[];
  price: string;
  purposes: PurposeKey[];
  consentExpiresAt: Date;
  autoApprove: boolean;
  /** ε the owner accepts from analyses (0 = none); defaults to 0. */
  epsilonBudget?: number;
  minCellCount?: number;
};

/**
 * Turns a de-identified upload into a listing draft: drops the columns the participant chose,
 * stores the final records encrypted, computes their Merkle root (docs/integrity.md) and the
 * hashes of the report and the consent terms. Nothing is on chain until it is signed.
 */
export async function createListingDraft({
  db,
  ownerId,
  input,
}: {
  db: DbClient;
  ownerId: string;
  input: CreateListingDraftInput;
}) {
  if (input.consentExpiresAt.getTime() <= Date.now() + 60 * 60 * 1000) {
    throw new AppError(
      "BAD_INPUT",
      "Consent must stay valid for at least an hour; choose a later expiry date.",
    );
  }
  const upload = await db.upload.findUnique({
    where: { id: input.uploadId },
    select: {
      id: true,
      ownerId: true,
      status: true,
      blobKey: true,
      columns: true,
      report: true,
      format: true,
      listing: { select: { id: true } },
    },
  });
  if (!upload || upload.ownerId !== ownerId)
    throw new AppError("NOT_FOUND", "No upload of yours has this id.");
  if (upload.listing) throw new AppError("CONFLICT", "This upload is already part of a listing.");
  const unknown = input.dropColumns.filter((column) => !upload.columns.includes(column));
  if (unknown.length > 0)
    throw new AppError("BAD_INPUT", `These columns are not in the upload: ${unknown.join(", ")}.`);
  const uploadReport = upload.report as unknown as DeidReport;
  // A column with flagged text is withheld unless the participant keeps it.
  const flaggedColumns = new Set((uploadReport.flagged ?? []).map((item) => item.column));
  const keepColumns = new Set(input.keepColumns ?? []);
  const withheldColumns = upload.columns.filter(
    (column) =>
      flaggedColumns.has(column) && !keepColumns.has(column) && !input.dropColumns.includes(column),
  );
  const kept = upload.columns.filter(
    (column) => !input.dropColumns.includes(column) && !withheldColumns.includes(column),
  );
  if (kept.length === 0) throw new AppError("BAD_INPUT", "Keep at least one column.");
  const review = createReviewResolver(kept, {
    keepColumns: [...keepColumns],
    keepValues: input.keepValues ?? [],
  });

  // A listing linked to a trial is owned by the account that enrolled (the contract checks that
  // account's enrolment); any other listing by an account of its own (see derived-accounts.ts).
  let protocolVersion: number | null = null;
  let enrollmentAccount: string | null = null;
  if (input.trialId) {
    const enrollment = await db.enrollment.findUnique({
      where: { trialId_participantId: { trialId: input.trialId, participantId: ownerId } },
      select: {
        status: true,
        anchorStatus: true,
        protocolVersion: true,
        accountAddress: true,
        trial: { select: { currentVersion: true } },
      },
    });
    if (enrollment?.status !== "ACTIVE" || enrollment.anchorStatus !== "CONFIRMED") {
      throw new AppError(
        "BAD_INPUT",
        "You can only link a listing to a trial you are enrolled in.",
      );
    }
    if (enrollment.protocolVersion < enrollment.trial.currentVersion) {
      throw new AppError(
        "CONFLICT",
        `The trial's protocol is now version ${enrollment.trial.currentVersion}: consent to it on your trials page first.`,
      );
    }
    protocolVersion = enrollment.protocolVersion;
    enrollmentAccount =
      enrollment.accountAddress ??
      (await db.user.findUniqueOrThrow({ where: { id: ownerId }, select: { walletAddress: true } }))
        .walletAddress;
  }

  // Re-read the de-identified rows, keep the chosen columns, hash each record.
  const source = (await getBlob(upload.blobKey)).toString("utf8");
  const keptIndexes = kept.map((column) => upload.columns.indexOf(column));
  const rows: string[][] = [kept];
  const root = new StreamingDataRoot();
  let isHeader = true;
  Papa.parse<string[]>(source, {
    skipEmptyLines: "greedy",
    step(results) {
      const row = results.data;
      if (isHeader) {
        isHeader = false;
        return;
      }
      const values = review.resolve(keptIndexes.map((index) => row[index] ?? ""));
      root.add(Object.fromEntries(kept.map((column, position) => [column, values[position]])));
      rows.push(values);
    },
  });
  if (root.count === 0) throw new AppError("BAD_INPUT", "The upload has no rows left to publish.");

  const report: DeidReport = {
    ...uploadReport,
    columnsOut: kept,
    removedColumns: [
      ...uploadReport.removedColumns,
      ...input.dropColumns.map((column) => ({ column, type: "PARTICIPANT_CHOICE" as const })),
      ...withheldColumns.map((column) => ({ column, type: "WITHHELD_FOR_REVIEW" as const })),
    ],
    review: { ...review.outcome, withheldColumns },
  };
  const priceWei = parseUnits(input.price, TOKEN_DECIMALS);
  const purposes = toPurposeMask(input.purposes);
  const epsilonBudget = toEpsilonCentis(input.epsilonBudget ?? 0);
  const minCellCount = input.minCellCount ?? DEFAULT_MIN_CELL_COUNT;
  const termsHash = consentTermsHash({
    purposes,
    expiresAt: input.consentExpiresAt,
    autoApprove: input.autoApprove,
    priceWei: priceWei.toString(),
    protocolVersion,
    epsilonBudget,
    minCellCount,
  });
  const blobKey = await putBlob(Buffer.from(Papa.unparse(rows), "utf8"));
  const chainSalt = newSalt();
  const ownerAddress = enrollmentAccount ?? (await accountFor(db, ownerId, "LISTING", chainSalt));
  return db.listing.create({
    data: {
      chainKey: listingIdFor(ownerAddress, chainSalt),
      chainSalt,
      ownerId,
      ownerAddress,
      trialId: input.trialId ?? null,
      uploadId: upload.id,
      title: input.title,
      description: input.description,
      dataType: upload.format,
      conditions: input.conditions,
      searchText: [input.title, input.description, ...input.conditions].join(" "),
      recordCount: root.count,
      dataRoot: root.root(),
      recordHashes: root.recordHashes,
      reportHash: hashDocument(report),
      report: report,
      blobKey,
      priceWei: priceWei.toString(),
      status: "DRAFT",
      consent: {
        create: {
          purposes,
          expiresAt: input.consentExpiresAt,
          autoApprove: input.autoApprove,
          termsHash,
          protocolVersion,
          epsilonBudget,
          minCellCount,
        },
      },
    },
    select: { id: true },
  });
}
