import "server-only";
import type { Chain } from "~/server/chain/client";
import { buildForwardTypedData, toRequestData } from "~/server/chain/forward-request";
import type { OutboxFailureHandler } from "~/server/chain/outbox-worker";
import { ZOutboxPayloadSchema } from "~/server/chain/outbox";
import type { DbTransaction } from "~/server/db";
import { logger } from "~/server/logger";
import { PERMIT_APART_KIND } from "~/server/services/actions/permit";
import { userOfAccount } from "~/server/services/users/derived-accounts";
import { signTypedDataForUser } from "~/server/services/users/managed-wallet";

/**
 * Forwarder nonces are sequential, so when a user's queued request fails for good, every later
 * request of theirs (signed for the nonces after it) would fail too. For an account whose wallet
 * the server keeps, they are re-signed one nonce down and go out as if nothing happened; for a
 * wallet in the user's browser they are ended at once with a reason, so the page asks the user
 * to sign again instead of sending transactions that cannot succeed. So are the token permits
 * queued alone for those ended requests: relayed anyway, they would cost the relayer gas and
 * leave an allowance for a purchase that never happened.
 */
export async function reissueAfterFailure(options: {
  db: DbTransaction;
  chain: Chain;
  signer: string;
  failedNonce: number;
  failedId: bigint;
  onFailed: Record<string, OutboxFailureHandler>;
}): Promise<void> {
  const { db, chain, signer } = options;
  const later = await db.chainOutbox.findMany({
    where: { signer, status: "PENDING", signerNonce: { gt: options.failedNonce } },
    orderBy: { signerNonce: "asc" },
    select: { id: true, kind: true, entityId: true, signerNonce: true, payload: true },
  });
  const laterPermits = await db.chainOutbox.findMany({
    where: { signer, status: "PENDING", kind: PERMIT_APART_KIND, id: { gt: options.failedId } },
    select: { id: true, idempotencyKey: true },
  });
  if (later.length === 0 && laterPermits.length === 0) return;
  // The signer may be an account derived from the user's server-held wallet.
  const userId = await userOfAccount(db, signer);
  const user = userId
    ? await db.user.findUnique({
        where: { id: userId },
        select: { id: true, walletKeyCipher: true },
      })
    : null;
  for (const row of later) {
    const payload = ZOutboxPayloadSchema.parse(row.payload);
    if (payload.type !== "forward") continue;
    if (!user?.walletKeyCipher) {
      const reason =
        "An earlier action of yours failed on chain, so this one must be signed again.";
      await db.chainOutbox.update({
        where: { id: row.id },
        data: { status: "FAILED", lastError: reason, idempotencyKey: `failed:${row.id}` },
      });
      await options.onFailed[row.kind]?.(db, row.entityId, reason);
      continue;
    }
    const nonce = row.signerNonce! - 1;
    const { signature: _old, ...request } = payload.request;
    const message = { ...request, nonce: String(nonce) };
    const typedData = buildForwardTypedData(
      chain.chainId,
      chain.deployment.contracts.TrialShareForwarder,
      message,
    );
    const signature = await signTypedDataForUser({
      db,
      userId: user.id,
      signer,
      domain: typedData.domain,
      types: { ForwardRequest: [...typedData.types.ForwardRequest] },
      message,
    });
    await db.chainOutbox.update({
      where: { id: row.id },
      data: {
        signerNonce: nonce,
        idempotencyKey: `${signer}:${nonce}`,
        payload: { type: "forward", request: toRequestData(message, signature) },
      },
    });
  }
  // A server-held wallet's permits stay: the re-signed requests still spend them.
  if (!user?.walletKeyCipher)
    for (const permit of laterPermits)
      await db.chainOutbox.update({
        where: { id: permit.id },
        data: {
          status: "FAILED",
          lastError: "An earlier action of yours failed on chain, so this permit was not sent.",
          // Freed: signing again asks for a permit with the same token nonce.
          idempotencyKey: `failed:${permit.id}:${permit.idempotencyKey}`,
        },
      });
  logger.warn("outbox re-issued requests after a failure", {
    signer,
    failedNonce: options.failedNonce,
    requests: later.length,
    resigned: Boolean(user?.walletKeyCipher),
    permitsEnded: user?.walletKeyCipher ? 0 : laterPermits.length,
  });
}
