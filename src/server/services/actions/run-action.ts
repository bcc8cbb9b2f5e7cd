import "server-only";
import type { ForwardRequestMessage, ForwardTypedData } from "~/server/chain/forward-request";
import { enqueueChainWrite } from "~/server/chain/outbox";
import { AppError } from "~/server/errors";
import { isUniqueViolation } from "~/server/prisma-errors";
import { lockUser } from "~/server/services/users/lock-user";
import { signTypedDataForUser } from "~/server/services/users/managed-wallet";
import {
  enqueueSignedAction,
  prepareSignedAction,
  SIGNATURE_LIFETIME_S,
  verifySignedAction,
} from "~/server/services/signing/signed-action";
import type { ActionContext, ActionHandler, ActionPlan } from "./action-plan";
import {
  acceptPermitMessage,
  PERMIT_APART_KIND,
  PERMIT_KIND_SUFFIX,
  preparePermit,
  toSignedPermit,
  type PermitMessage,
  type PermitTypedData,
  type SignedPermit,
} from "./permit";

/**
 * Prepare and submit for any action: the same two steps for publishing a listing, enrolling,
 * deciding a request item, withdrawing earnings... Users with a server-held wallet send no
 * signature and the server signs (with the account the action needs); wallet users sign in
 * their browser. When tokens must be pulled without an allowance, the user's call carries an
 * EIP-2612 permit: a wallet user is first asked for the permit alone (`typedData` is null),
 * then prepares again with its signature.
 */
export type PreparedAction = {
  typedData: ForwardTypedData | null;
  permit: PermitTypedData | null;
  signsInWallet: boolean;
};

export type SignedPermitInput = { message: PermitMessage; signature: string };

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

/**
 * The call to sign: the plan's own, or, when the allowance does not cover what it spends, the
 * same call with a permit. Null when a wallet user has yet to sign the permit.
 */
async function resolveCall(
  context: ActionContext,
  plan: ActionPlan,
  signer: string,
  deadline: number,
  isWalletUser: boolean,
  signed: { message?: PermitMessage; signature?: string },
): Promise<{
  call: ActionPlan["call"] | null;
  permit: PermitTypedData | null;
  /** A permit to relay on its own before the call (plan.permitApart). */
  apart?: SignedPermit;
}> {
  if (!plan.spends) return { call: plan.call, permit: null };
  const needed = await preparePermit(
    context.db,
    context.chain,
    signer,
    plan.spends,
    deadline,
    plan.spender,
  );
  if (!needed) return { call: plan.call, permit: null };
  if (!plan.withPermit && !plan.permitApart)
    throw new Error("a spending action must say how it carries a permit");
  const permit = {
    ...needed,
    message: acceptPermitMessage(needed, signed.message, SIGNATURE_LIFETIME_S),
  };
  if (isWalletUser && !signed.signature) return { call: null, permit };
  const signature =
    signed.signature ??
    (await signTypedDataForUser({
      db: context.db,
      userId: context.user.id,
      signer,
      domain: permit.domain,
      types: { Permit: [...permit.types.Permit] },
      message: permit.message,
    }));
  const signedPermit = toSignedPermit(permit, signature);
  if (!plan.withPermit) return { call: plan.call, permit, apart: signedPermit };
  return { call: plan.withPermit(signedPermit), permit };
}

export async function prepareAction<Input>(
  handler: ActionHandler<Input>,
  context: ActionContext,
  input: Input,
  signedPermit?: SignedPermitInput,
): Promise<PreparedAction> {
  requireRole(handler, context);
  const plan = await handler.plan(context, input);
  const signer = plan.signer ?? context.user.walletAddress;
  const isWalletUser = await signsInWallet(context);
  const deadline = Math.floor(Date.now() / 1000) + SIGNATURE_LIFETIME_S;
  const { call, permit } = await resolveCall(context, plan, signer, deadline, isWalletUser, {
    message: signedPermit?.message,
    signature: signedPermit?.signature,
  });
  if (!call) return { typedData: null, permit, signsInWallet: isWalletUser };
  const typedData = await prepareSignedAction({
    db: context.db,
    chain: context.chain,
    signer,
    call,
    deadline,
  });
  return { typedData, permit, signsInWallet: isWalletUser };
}

export async function submitAction<Input>(
  handler: ActionHandler<Input>,
  context: ActionContext,
  input: Input,
  signed: {
    request: ForwardRequestMessage;
    signature?: string;
    permit?: { message: PermitMessage };
    permitSignature?: string;
  },
): Promise<{ entityId: string }> {
  requireRole(handler, context);
  const { db, chain, user } = context;
  const plan = await handler.plan(context, input);
  const signer = plan.signer ?? user.walletAddress;
  const isWalletUser = await signsInWallet(context);
  const { call, permit, apart } = await resolveCall(
    context,
    plan,
    signer,
    signed.request.deadline,
    isWalletUser,
    { message: signed.permit?.message, signature: signed.permitSignature },
  );
  if (!call)
    throw new AppError(
      "BAD_INPUT",
      "Sign the payment authorisation (permit) first, then the request.",
    );
  const signature = await verifySignedAction({
    db,
    chain,
    userId: user.id,
    signer,
    call,
    request: signed.request,
    signature: signed.signature,
  });
  // A call that carries a permit is counted when predicting the signer's next permit nonce
  // (a permit relayed apart is counted by its own row's kind).
  const kind = permit && !apart ? `${handler.kind}${PERMIT_KIND_SUFFIX}` : handler.kind;
  await db
    .$transaction(async (tx) => {
      // One user's submissions in turn, from the start: the second of two racing submissions
      // (two tabs, a double click) then sees what the first applied and is refused by the
      // action's own rule, not by a unique index halfway through.
      await lockUser(tx, user.id);
      await plan.apply?.(tx);
      if (apart && permit)
        await enqueueChainWrite(tx, {
          kind: PERMIT_APART_KIND,
          entityId: plan.entityId,
          idempotencyKey: `${PERMIT_APART_KIND}:${signer.toLowerCase()}:${permit.message.nonce}`,
          signer,
          payload: {
            type: "operator",
            contract: "RewardToken",
            data: chain.contracts.token.interface.encodeFunctionData("permit", [
              permit.message.owner,
              permit.message.spender,
              apart.value,
              apart.deadline,
              apart.v,
              apart.r,
              apart.s,
            ]),
          },
        });
      await enqueueSignedAction(tx, {
        chain,
        userId: user.id,
        signer,
        kind,
        entityId: plan.entityId,
        request: signed.request,
        signature,
      });
      for (const [index, followUp] of (plan.followUps ?? []).entries()) {
        await enqueueChainWrite(tx, {
          kind: `${handler.kind}.followUp`,
          entityId: plan.entityId,
          idempotencyKey: `${handler.kind}.followUp:${signer}:${signed.request.nonce}:${index}`,
          signer,
          payload: followUp,
        });
      }
    })
    .catch((error: unknown) => {
      // Someone else's submission about the same thing committed first.
      if (isUniqueViolation(error))
        throw new AppError(
          "CONFLICT",
          "This was just submitted by another request; reload to see it.",
        );
      throw error;
    });
  return { entityId: plan.entityId };
}
