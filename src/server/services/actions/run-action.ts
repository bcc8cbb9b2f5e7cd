import type { ForwardRequestMessage, ForwardTypedData } from "~/server/chain/forward-request";
import { enqueueChainWrite } from "~/server/chain/outbox";
import { AppError } from "~/server/errors";
import { signTypedDataForUser } from "~/server/services/users/managed-wallet";
import {
  enqueueSignedAction,
  prepareSignedAction,
  SIGNATURE_LIFETIME_S,
  verifySignedAction,
} from "~/server/services/signing/signed-action";
import type { ActionContext, ActionHandler } from "./action-plan";
import { permitCall, preparePermit, type PermitTypedData } from "./permit";

/**
 * Prepare and submit for any action: the same two steps for publishing a listing, enrolling,
 * deciding a request item, withdrawing earnings... Users with a server-held wallet send no
 * signature and the server signs; wallet users sign in their browser.
 */
export type PreparedAction = {
  typedData: ForwardTypedData;
  permit: PermitTypedData | null;
  signsInWallet: boolean;
};

function requireRole<Input>(handler: ActionHandler<Input>, context: ActionContext) {
  if (!handler.roles.includes(context.user.role)) {
    throw new AppError(
      "FORBIDDEN",
      `This action is for ${handler.roles.map((role) => role.toLowerCase()).join(" or ")} accounts.`,
    );
  }
}

async function signsInWallet(context: ActionContext): Promise<boolean> {
  const user = await context.db.user.findUnique({
    where: { id: context.user.id },
    select: { walletKeyCipher: true },
  });
  if (!user) throw new AppError("NOT_FOUND", "Your account no longer exists; sign in again.");
  return user.walletKeyCipher === null;
}

export async function prepareAction<Input>(
  handler: ActionHandler<Input>,
  context: ActionContext,
  input: Input,
): Promise<PreparedAction> {
  requireRole(handler, context);
  const plan = await handler.plan(context, input);
  const signer = context.user.walletAddress;
  const typedData = await prepareSignedAction({
    db: context.db,
    chain: context.chain,
    signer,
    call: plan.call,
  });
  const permit = plan.spends
    ? await preparePermit(
        context.db,
        context.chain,
        signer,
        plan.spends,
        typedData.message.deadline,
        plan.spender,
      )
    : null;
  return { typedData, permit, signsInWallet: await signsInWallet(context) };
}

export async function submitAction<Input>(
  handler: ActionHandler<Input>,
  context: ActionContext,
  input: Input,
  signed: {
    request: ForwardRequestMessage;
    signature?: string;
    permit?: { message: PermitTypedData["message"] };
    permitSignature?: string;
  },
): Promise<{ entityId: string }> {
  requireRole(handler, context);
  const { db, chain, user } = context;
  const plan = await handler.plan(context, input);
  const signature = await verifySignedAction({
    db,
    chain,
    userId: user.id,
    signer: user.walletAddress,
    call: plan.call,
    request: signed.request,
    signature: signed.signature,
  });

  let permitData: string | null = null;
  if (plan.spends) {
    const needed = await preparePermit(
      db,
      chain,
      user.walletAddress,
      plan.spends,
      signed.request.deadline,
      plan.spender,
    );
    if (needed) {
      // Only the message comes from the client; domain and types are always ours.
      const permit: PermitTypedData = {
        ...needed,
        message: signed.permit?.message ?? needed.message,
      };
      const isSamePermit =
        permit.message.owner.toLowerCase() === needed.message.owner.toLowerCase() &&
        permit.message.spender.toLowerCase() === needed.message.spender.toLowerCase() &&
        BigInt(permit.message.value) >= plan.spends &&
        permit.message.nonce === needed.message.nonce &&
        permit.message.deadline > Math.floor(Date.now() / 1000) + 60 &&
        permit.message.deadline <= Math.floor(Date.now() / 1000) + SIGNATURE_LIFETIME_S + 300;
      if (!isSamePermit)
        throw new AppError(
          "BAD_INPUT",
          "The payment authorisation does not match this request; prepare it again.",
        );
      const permitSignature =
        signed.permitSignature ??
        (await signTypedDataForUser({
          db,
          userId: user.id,
          domain: permit.domain,
          types: { Permit: [...permit.types.Permit] },
          message: permit.message,
        }));
      permitData = permitCall(chain, permit, permitSignature);
    }
  }

  await db.$transaction(async (tx) => {
    await plan.apply?.(tx);
    if (permitData) {
      await enqueueChainWrite(tx, {
        kind: "token.permit",
        entityId: plan.entityId,
        idempotencyKey: `token.permit:${user.walletAddress}:${signed.request.nonce}`,
        signer: user.walletAddress,
        payload: { type: "operator", contract: "RewardToken", data: permitData },
      });
    }
    await enqueueSignedAction(tx, {
      chain,
      userId: user.id,
      signer: user.walletAddress,
      kind: handler.kind,
      entityId: plan.entityId,
      request: signed.request,
      signature,
    });
    for (const [index, followUp] of (plan.followUps ?? []).entries()) {
      await enqueueChainWrite(tx, {
        kind: `${handler.kind}.followUp`,
        entityId: plan.entityId,
        idempotencyKey: `${handler.kind}.followUp:${user.walletAddress}:${signed.request.nonce}:${index}`,
        signer: user.walletAddress,
        payload: followUp,
      });
    }
  });
  return { entityId: plan.entityId };
}
