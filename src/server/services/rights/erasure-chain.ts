import "server-only";
import type { ForwardRequestMessage } from "~/server/chain/forward-request";
import { forwarderNonce, nextSignerNonce } from "~/server/chain/outbox";
import type { DbClient, DbTransaction } from "~/server/db";
import { AppError } from "~/server/errors";
import type { ActionContext, ActionHandler } from "~/server/services/actions/action-plan";
import { revokeConsentAction, unlistAction } from "~/server/services/listings/listing-actions";
import {
  enqueueSignedAction,
  SIGNATURE_LIFETIME_S,
  verifySignedAction,
} from "~/server/services/signing/signed-action";

/**
 * The chain side of erasing a listing: its consent revoked and the listing unlisted, through
 * the same signed actions the listing page uses (so the outbox, receipts and indexer treat them
 * as any revocation). For accounts whose wallet the server holds, the server signs them here; a
 * browser wallet signs them itself from the listing page before erasing.
 */
type ErasureListing = {
  id: string;
  status: string;
  anchorStatus: string;
  consent: { revokedAt: Date | null } | null;
};

export type SignedErasureCall = {
  kind: string;
  entityId: string;
  signer: string;
  request: ForwardRequestMessage;
  signature: string;
};

/** Revocations and unlistings already queued (not refused) for these listings. */
async function queuedSteps(db: DbClient, listingIds: string[]) {
  const rows = await db.chainOutbox.findMany({
    where: {
      entityId: { in: listingIds },
      kind: { in: [revokeConsentAction.kind, unlistAction.kind] },
      status: { in: ["PENDING", "SENT", "CONFIRMED"] },
    },
    select: { entityId: true, kind: true },
  });
  return new Set(rows.map((row) => `${row.kind}:${row.entityId}`));
}

/** The signed actions each listing still needs before its data can be erased. */
export async function stepsToErase(db: DbClient, listings: ErasureListing[]) {
  const queued = await queuedSteps(
    db,
    listings.map((listing) => listing.id),
  );
  const steps: { handler: ActionHandler<{ listingId: string }>; listingId: string }[] = [];
  for (const listing of listings) {
    if (listing.status === "DRAFT") continue;
    if (listing.anchorStatus !== "CONFIRMED")
      throw new AppError(
        "CONFLICT",
        "A listing is still being anchored on chain; erase it once that is done (a moment).",
      );
    if (listing.consent && !listing.consent.revokedAt)
      if (!queued.has(`${revokeConsentAction.kind}:${listing.id}`))
        steps.push({ handler: revokeConsentAction, listingId: listing.id });
    if (listing.status === "ACTIVE" && !queued.has(`${unlistAction.kind}:${listing.id}`))
      steps.push({ handler: unlistAction, listingId: listing.id });
  }
  return steps;
}

/**
 * Signs the steps with the server-held wallet (consecutive forwarder nonces per signing
 * account), ready to be queued in the erasure's transaction. Refused for browser wallets.
 */
export async function signErasureSteps(
  context: ActionContext,
  steps: Awaited<ReturnType<typeof stepsToErase>>,
  signsInWallet: boolean,
): Promise<SignedErasureCall[]> {
  if (steps.length === 0) return [];
  if (signsInWallet)
    throw new AppError(
      "CONFLICT",
      "Your wallet signs on-chain actions: revoke consent and unlist this listing first (on its page), then erase it.",
    );
  const { db, chain } = context;
  const nextNonce = new Map<string, number>();
  const signed: SignedErasureCall[] = [];
  const deadline = Math.floor(Date.now() / 1000) + SIGNATURE_LIFETIME_S;
  for (const step of steps) {
    const plan = await step.handler.plan(context, { listingId: step.listingId });
    const signer = (plan.signer ?? context.user.walletAddress).toLowerCase();
    const nonce =
      nextNonce.get(signer) ??
      (await nextSignerNonce(db, signer, await forwarderNonce(chain, signer)));
    nextNonce.set(signer, nonce + 1);
    const request: ForwardRequestMessage = {
      from: signer,
      to: plan.call.to,
      value: "0",
      gas: plan.call.gas.toString(),
      nonce: String(nonce),
      deadline,
      data: plan.call.data,
    };
    const signature = await verifySignedAction({
      db,
      chain,
      userId: context.user.id,
      signer,
      call: plan.call,
      request,
    });
    signed.push({ kind: step.handler.kind, entityId: plan.entityId, signer, request, signature });
  }
  return signed;
}

/** Queues the signed steps; inside the erasure's transaction. */
export async function enqueueErasureSteps(
  tx: DbTransaction,
  context: ActionContext,
  calls: SignedErasureCall[],
): Promise<void> {
  for (const call of calls)
    await enqueueSignedAction(tx, {
      chain: context.chain,
      userId: context.user.id,
      signer: call.signer,
      kind: call.kind,
      entityId: call.entityId,
      request: call.request,
      signature: call.signature,
    });
}
