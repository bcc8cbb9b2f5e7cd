import "server-only";
import type { Chain } from "~/server/chain/client";
import {
  buildForwardTypedData,
  recoverForwardSigner,
  toRequestData,
  type ForwardRequestMessage,
  type ForwardTypedData,
} from "~/server/chain/forward-request";
import { enqueueChainWrite, forwarderNonce, nextSignerNonce } from "~/server/chain/outbox";
import type { DbClient, DbTransaction } from "~/server/db";
import { AppError } from "~/server/errors";
import { lockUser } from "~/server/services/users/lock-user";
import { signTypedDataForUser } from "~/server/services/users/managed-wallet";

/**
 * The life of a user's signed chain action: prepare the EIP-712 ForwardRequest with the
 * signer's next nonce, check that what came back signed is exactly that call, and queue it
 * in the outbox inside the caller's domain transaction.
 */
export type ExpectedCall = { to: string; data: string; gas: bigint };

/** A signed request stays valid this long, so a chain outage can be waited out. */
export const SIGNATURE_LIFETIME_S = 24 * 60 * 60;

export async function prepareSignedAction(options: {
  db: DbClient;
  chain: Chain;
  signer: string;
  call: ExpectedCall;
  deadline?: number;
}): Promise<ForwardTypedData> {
  const { chain, signer, call } = options;
  const onChainNonce = await forwarderNonce(chain, signer);
  const message: ForwardRequestMessage = {
    from: signer,
    to: call.to,
    value: "0",
    gas: call.gas.toString(),
    nonce: String(await nextSignerNonce(options.db, signer, onChainNonce)),
    deadline: options.deadline ?? Math.floor(Date.now() / 1000) + SIGNATURE_LIFETIME_S,
    data: call.data,
  };
  return buildForwardTypedData(
    chain.chainId,
    chain.deployment.contracts.TrialShareForwarder,
    message,
  );
}

/**
 * Checks a signed request against the call it must be, and signs it with the managed wallet
 * when the user has one and sent no signature. Returns the signature to relay.
 */
export async function verifySignedAction(options: {
  db: DbClient;
  chain: Chain;
  userId: string;
  signer: string;
  call: ExpectedCall;
  request: ForwardRequestMessage;
  signature?: string;
}): Promise<string> {
  const { chain, request, call, signer } = options;
  const isExpectedCall =
    request.from.toLowerCase() === signer.toLowerCase() &&
    request.to.toLowerCase() === call.to.toLowerCase() &&
    request.value === "0" &&
    request.gas === call.gas.toString() &&
    request.data.toLowerCase() === call.data.toLowerCase();
  if (!isExpectedCall) {
    throw new AppError(
      "BAD_INPUT",
      "The signed request does not match this action; prepare it again and re-sign.",
    );
  }
  const now = Math.floor(Date.now() / 1000);
  if (request.deadline <= now + 60 || request.deadline > now + SIGNATURE_LIFETIME_S + 300) {
    throw new AppError(
      "BAD_INPUT",
      "The signed request has expired or has an invalid deadline; sign again.",
    );
  }
  const typedData = buildForwardTypedData(
    chain.chainId,
    chain.deployment.contracts.TrialShareForwarder,
    request,
  );
  const signature =
    options.signature ??
    (await signTypedDataForUser({
      db: options.db,
      userId: options.userId,
      signer,
      domain: typedData.domain,
      types: { ForwardRequest: [...typedData.types.ForwardRequest] },
      message: request,
    }));
  if (recoverForwardSigner(typedData, signature) !== signer.toLowerCase()) {
    throw new AppError(
      "BAD_INPUT",
      "The signature is not from your wallet; sign with the account you signed in with.",
    );
  }
  return signature;
}

/** Queues a verified request; call inside the domain transaction. */
export async function enqueueSignedAction(
  tx: DbTransaction,
  options: {
    chain: Chain;
    userId: string;
    signer: string;
    kind: string;
    entityId: string;
    request: ForwardRequestMessage;
    signature: string;
  },
): Promise<void> {
  // Serialises a user's signed actions so two cannot claim the same forwarder nonce.
  await lockUser(tx, options.userId);
  const onChainNonce = await forwarderNonce(options.chain, options.signer);
  const expectedNonce = await nextSignerNonce(tx, options.signer, onChainNonce);
  if (Number(options.request.nonce) !== expectedNonce) {
    throw new AppError(
      "CONFLICT",
      "Another signed action came first (or this one was already sent); prepare it again and re-sign.",
    );
  }
  await enqueueChainWrite(tx, {
    kind: options.kind,
    entityId: options.entityId,
    // A signed request can be used once: its signer and nonce name it.
    idempotencyKey: `${options.signer.toLowerCase()}:${expectedNonce}`,
    signer: options.signer,
    signerNonce: expectedNonce,
    payload: { type: "forward", request: toRequestData(options.request, options.signature) },
  });
}
