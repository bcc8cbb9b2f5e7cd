import "server-only";
import { randomUUID } from "node:crypto";
import { formatUnits, parseUnits, solidityPackedKeccak256 } from "ethers";
import type { DbClient } from "~/server/db";
import { AppError } from "~/server/errors";
import type { ActionHandler } from "~/server/services/actions/action-plan";
import { TOKEN_DECIMALS } from "~/server/services/listings/listing-dto";
import { trialIdFor } from "~/server/chain/ids";

/**
 * Gas the forwarder passes on (bench:gas, with headroom). An amendment ends the consent epochs
 * of every listing linked to the trial: about 5,300 gas per shard of 32 listing slots.
 */
const GAS = { register: 250_000n, amendBase: 200_000n, amendPerShard: 8_000n, fund: 250_000n };

export type RegisterTrialInput = {
  registryId: string;
  title: string;
  phase: string;
  conditions: string[];
  sites: string[];
  protocolDocumentName: string;
  /** keccak256 of the protocol document. */
  protocolHash: string;
};

/**
 * The salt comes from the registry id, so preparing and submitting agree on the trial's
 * on-chain id without a draft row; registry ids are unique here and public anyway.
 */
function trialSalt(registryId: string): string {
  return solidityPackedKeccak256(["string", "string"], ["trialshare:trial:", registryId]);
}

async function ownTrial(db: DbClient, sponsorId: string, trialId: string) {
  const trial = await db.trial.findUnique({
    where: { id: trialId },
    select: { id: true, sponsorId: true, chainKey: true, currentVersion: true, anchorStatus: true },
  });
  if (!trial || trial.sponsorId !== sponsorId)
    throw new AppError("NOT_FOUND", "No trial of yours has this id.");
  if (trial.anchorStatus !== "CONFIRMED")
    throw new AppError(
      "CONFLICT",
      "This trial is still being registered on chain; try again shortly.",
    );
  return trial;
}

export const registerTrialAction: ActionHandler<RegisterTrialInput> = {
  kind: "trial.register",
  roles: ["SPONSOR"],
  async plan({ db, chain, user }, input) {
    const existing = await db.trial.count({ where: { registryId: input.registryId } });
    if (existing > 0)
      throw new AppError(
        "CONFLICT",
        `A trial with registry id ${input.registryId} is already registered.`,
      );
    const chainSalt = trialSalt(input.registryId);
    const entityId = randomUUID();
    return {
      entityId,
      call: {
        to: chain.deployment.contracts.TrialRegistry,
        gas: GAS.register,
        data: chain.contracts.trialRegistry.interface.encodeFunctionData("registerTrial", [
          chainSalt,
          input.protocolHash,
        ]),
      },
      async apply(tx) {
        await tx.trial.create({
          data: {
            id: entityId,
            chainKey: trialIdFor(user.walletAddress, chainSalt),
            chainSalt,
            registryId: input.registryId,
            title: input.title,
            phase: input.phase,
            conditions: input.conditions,
            sites: input.sites,
            sponsorId: user.id,
            protocolVersions: {
              create: {
                version: 1,
                documentHash: input.protocolHash,
                documentName: input.protocolDocumentName,
              },
            },
          },
        });
      },
    };
  },
};

/**
 * A new protocol version. Its row is written now with the document's name; the indexer
 * confirms it (and moves the trial's current version) when ProtocolAmended arrives. One
 * amendment at a time, so version numbers cannot collide.
 */
export const amendProtocolAction: ActionHandler<{
  trialId: string;
  protocolDocumentName: string;
  protocolHash: string;
}> = {
  kind: "trial.amend",
  roles: ["SPONSOR"],
  async plan({ db, chain, user }, input) {
    const trial = await ownTrial(db, user.id, input.trialId);
    const pending = await db.protocolVersion.count({
      where: { trialId: trial.id, version: { gt: trial.currentVersion } },
    });
    if (pending > 0)
      throw new AppError(
        "CONFLICT",
        "An amendment of this trial is still being recorded on chain; wait for it first.",
      );
    const version = trial.currentVersion + 1;
    // Each published linked listing holds a slot in one of the trial's shards of 32.
    const linked = await db.listing.count({
      where: { trialId: trial.id, status: { not: "DRAFT" } },
    });
    const shards = BigInt(Math.ceil(linked / 32) + 2);
    return {
      entityId: trial.id,
      call: {
        to: chain.deployment.contracts.TrialRegistry,
        gas: GAS.amendBase + shards * GAS.amendPerShard,
        data: chain.contracts.trialRegistry.interface.encodeFunctionData("amendProtocol", [
          trial.chainKey,
          input.protocolHash,
        ]),
      },
      async apply(tx) {
        await tx.protocolVersion.create({
          data: {
            trialId: trial.id,
            version,
            documentHash: input.protocolHash,
            documentName: input.protocolDocumentName,
          },
        });
      },
    };
  },
};

/** Tokens into the trial's reward pool, pulled by the registry under an EIP-2612 permit. */
export const fundRewardsAction: ActionHandler<{
  trialId: string;
  amount: string;
  perEnrollment: string;
}> = {
  kind: "trial.fundRewards",
  roles: ["SPONSOR"],
  async plan({ db, chain, user }, input) {
    const trial = await ownTrial(db, user.id, input.trialId);
    const amount = parseUnits(input.amount, TOKEN_DECIMALS);
    const perEnrollment = parseUnits(input.perEnrollment, TOKEN_DECIMALS);
    if (amount === 0n) throw new AppError("BAD_INPUT", "Fund the pool with more than 0 tokens.");
    if (perEnrollment > amount)
      throw new AppError("BAD_INPUT", "The reward per enrolment cannot exceed the amount funded.");
    const balance = await chain.contracts.token.balanceOf(user.walletAddress);
    if (balance < amount)
      throw new AppError(
        "BAD_INPUT",
        `Your wallet holds ${formatUnits(balance, TOKEN_DECIMALS)} TSR, less than the ${input.amount} to fund.`,
      );
    const registry = chain.contracts.trialRegistry.interface;
    const to = chain.deployment.contracts.TrialRegistry;
    return {
      entityId: trial.id,
      spends: amount,
      spender: "TrialRegistry",
      call: {
        to,
        gas: GAS.fund,
        data: registry.encodeFunctionData("fundRewards", [trial.chainKey, amount, perEnrollment]),
      },
      withPermit: (permit) => ({
        to,
        gas: GAS.fund + 60_000n,
        data: registry.encodeFunctionData("fundRewardsWithPermit", [
          trial.chainKey,
          amount,
          perEnrollment,
          permit.deadline,
          permit.v,
          permit.r,
          permit.s,
        ]),
      }),
    };
  },
};

/** Unused tokens of the reward pool back to the sponsor. */
export const reclaimRewardsAction: ActionHandler<{ trialId: string; amount: string }> = {
  kind: "trial.reclaimRewards",
  roles: ["SPONSOR"],
  async plan({ db, chain, user }, input) {
    const trial = await ownTrial(db, user.id, input.trialId);
    const amount = parseUnits(input.amount, TOKEN_DECIMALS);
    if (amount === 0n) throw new AppError("BAD_INPUT", "Take back more than 0 tokens.");
    const [pool] = await chain.contracts.trialRegistry.rewardPool(trial.chainKey);
    if (amount > pool)
      throw new AppError(
        "BAD_INPUT",
        `The pool holds ${formatUnits(pool, TOKEN_DECIMALS)} TSR, less than ${input.amount}.`,
      );
    return {
      entityId: trial.id,
      call: {
        to: chain.deployment.contracts.TrialRegistry,
        gas: 150_000n,
        data: chain.contracts.trialRegistry.interface.encodeFunctionData("reclaimRewards", [
          trial.chainKey,
          amount,
        ]),
      },
    };
  },
};

/** Voids an invitation that has not been used (it can no longer enrol anyone). */
export const revokeInvitationAction: ActionHandler<{ invitationId: string }> = {
  kind: "trial.revokeInvitation",
  roles: ["SPONSOR"],
  async plan({ db, chain, user }, { invitationId }) {
    const invitation = await db.trialInvitation.findUnique({
      where: { id: invitationId },
      select: { id: true, trialId: true, invitationKey: true, status: true },
    });
    if (!invitation) throw new AppError("NOT_FOUND", "No invitation of yours has this id.");
    const trial = await ownTrial(db, user.id, invitation.trialId);
    if (invitation.status !== "OPEN")
      throw new AppError(
        "CONFLICT",
        `This invitation was ${invitation.status.toLowerCase()} already.`,
      );
    const queued = await db.chainOutbox.count({
      where: { kind: "trial.revokeInvitation", entityId: invitation.id, status: { not: "FAILED" } },
    });
    if (queued > 0) throw new AppError("CONFLICT", "This invitation is already being revoked.");
    return {
      entityId: invitation.id,
      call: {
        to: chain.deployment.contracts.TrialRegistry,
        gas: 120_000n,
        data: chain.contracts.trialRegistry.interface.encodeFunctionData("revokeInvitation", [
          trial.chainKey,
          invitation.invitationKey,
        ]),
      },
    };
  },
};
