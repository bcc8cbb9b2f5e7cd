import type { Chain } from "~/server/chain/client";
import { newSalt, trialIdFor } from "~/server/chain/ids";
import type { DbClient } from "~/server/db";
import { AppError } from "~/server/errors";
import { isUniqueViolation } from "~/server/prisma-errors";
import {
  enqueueSignedAction,
  prepareSignedAction,
  verifySignedAction,
} from "~/server/services/signing/signed-action";

const REGISTER_TRIAL_GAS = 200_000n;

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
 * Registers a trial for a sponsor with a managed wallet: the trial and its protocol version 1
 * are stored and the on-chain registration is queued in one transaction.
 */
export async function registerTrial(options: {
  db: DbClient;
  chain: Chain;
  sponsorId: string;
  input: RegisterTrialInput;
}) {
  const { db, chain, input } = options;
  const sponsor = await db.user.findUnique({
    where: { id: options.sponsorId },
    select: { walletAddress: true, role: true },
  });
  if (sponsor?.role !== "SPONSOR")
    throw new AppError("FORBIDDEN", "Only sponsor accounts can register trials.");
  const chainSalt = newSalt();
  const chainKey = trialIdFor(sponsor.walletAddress, chainSalt);
  const call = {
    to: chain.deployment.contracts.TrialRegistry,
    gas: REGISTER_TRIAL_GAS,
    data: chain.contracts.trialRegistry.interface.encodeFunctionData("registerTrial", [
      chainSalt,
      input.protocolHash,
    ]),
  };
  const typedData = await prepareSignedAction({ db, chain, signer: sponsor.walletAddress, call });
  const signature = await verifySignedAction({
    db,
    chain,
    userId: options.sponsorId,
    signer: sponsor.walletAddress,
    call,
    request: typedData.message,
  });
  try {
    return await db.$transaction(async (tx) => {
      const trial = await tx.trial.create({
        data: {
          chainKey,
          chainSalt,
          registryId: input.registryId,
          title: input.title,
          phase: input.phase,
          conditions: input.conditions,
          sites: input.sites,
          sponsorId: options.sponsorId,
          protocolVersions: {
            create: {
              version: 1,
              documentHash: input.protocolHash,
              documentName: input.protocolDocumentName,
            },
          },
        },
        select: { id: true },
      });
      await enqueueSignedAction(tx, {
        chain,
        userId: options.sponsorId,
        signer: sponsor.walletAddress,
        kind: "trial.register",
        entityId: trial.id,
        request: typedData.message,
        signature,
      });
      return trial;
    });
  } catch (error) {
    if (isUniqueViolation(error)) {
      throw new AppError(
        "CONFLICT",
        `A trial with registry id ${input.registryId} is already registered.`,
      );
    }
    throw error;
  }
}
