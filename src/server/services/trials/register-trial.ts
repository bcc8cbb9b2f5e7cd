import "server-only";
import type { Chain } from "~/server/chain/client";
import type { DbClient } from "~/server/db";
import { AppError } from "~/server/errors";
import { prepareAction, submitAction } from "~/server/services/actions/run-action";
import { registerTrialAction, type RegisterTrialInput } from "./trial-actions";

/**
 * Registers a trial for a sponsor whose wallet the server keeps (the demo seed and tests): the
 * same prepare-and-submit the sponsor's page runs, with the server signing.
 */
export async function registerTrial(options: {
  db: DbClient;
  chain: Chain;
  sponsorId: string;
  input: RegisterTrialInput;
}): Promise<{ id: string }> {
  const { db, chain } = options;
  const user = await db.user.findUnique({
    where: { id: options.sponsorId },
    select: { id: true, role: true, walletAddress: true, displayName: true },
  });
  if (!user) throw new AppError("NOT_FOUND", "There is no such sponsor account.");
  const context = { db, chain, user };
  const prepared = await prepareAction(registerTrialAction, context, options.input);
  if (!prepared.typedData)
    throw new AppError("CONFLICT", "The registration could not be prepared.");
  const { entityId } = await submitAction(registerTrialAction, context, options.input, {
    request: prepared.typedData.message,
  });
  return { id: entityId };
}
