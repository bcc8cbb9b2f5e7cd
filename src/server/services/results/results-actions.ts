import "server-only";
import { keccak256, toUtf8Bytes } from "ethers";
import { AppError } from "~/server/errors";
import type { ActionHandler } from "~/server/services/actions/action-plan";
import type { TRegisterOutput } from "~/shared/research-output";
import { describeOutput, hashOutput } from "./output-hash";

/**
 * The researcher registers an output of a request whose data was used: the description is
 * kept in ResearchOutput, its hash goes on chain (DataMarketplace.registerOutput), naming an
 * item delivered under the request. The contract refuses anyone but the request's researcher,
 * a request with no data use and a hash registered before; the service refuses the same
 * first, with a clear message, so a signature is never asked for a call that would revert.
 * The same output (hash, or DOI) twice is refused, not merged: the first registration stands.
 */
export const registerOutputAction: ActionHandler<TRegisterOutput> = {
  kind: "output.register",
  roles: ["RESEARCHER"],
  async plan({ db, chain, user }, input) {
    const request = await db.accessRequest.findUnique({
      where: { id: input.requestId },
      select: { id: true, chainKey: true, researcherId: true },
    });
    if (!request || request.researcherId !== user.id)
      throw new AppError("NOT_FOUND", "No request of yours has this id.");
    const use = await db.dataUse.findFirst({
      where: { requestId: request.id, anchorStatus: "CONFIRMED" },
      orderBy: { createdAt: "asc" },
      select: { listingId: true },
    });
    const item =
      use &&
      (await db.accessRequestItem.findUnique({
        where: { requestId_listingId: { requestId: request.id, listingId: use.listingId } },
        select: { itemIndex: true },
      }));
    if (!item)
      throw new AppError(
        "CONFLICT",
        "Results can be registered once data of this request was used (a data use recorded on chain).",
      );
    const description = describeOutput(input);
    const outputHash = hashOutput(description);
    const existing = await db.researchOutput.findFirst({
      where: {
        requestId: request.id,
        anchorStatus: { not: "FAILED" },
        OR: [{ outputHash }, ...(description.doi ? [{ doi: description.doi }] : [])],
      },
      select: { id: true },
    });
    if (existing)
      throw new AppError("CONFLICT", "This output is already registered against this request.");
    // One row per request and output: a registration that failed is retried on the same row.
    const entityId = `ro_${keccak256(toUtf8Bytes(`${request.id}:${outputHash}`)).slice(2, 26)}`;
    return {
      entityId,
      call: {
        to: chain.deployment.contracts.DataMarketplace,
        gas: 120_000n,
        data: chain.contracts.marketplace.interface.encodeFunctionData("registerOutput", [
          request.chainKey,
          item.itemIndex,
          outputHash,
        ]),
      },
      async apply(tx) {
        const row = await tx.researchOutput.findUnique({
          where: { requestId_outputHash: { requestId: request.id, outputHash } },
          select: { id: true },
        });
        if (!row) {
          await tx.researchOutput.create({
            data: {
              id: entityId,
              requestId: request.id,
              researcherId: user.id,
              outputHash,
              ...description,
            },
          });
          return;
        }
        const { count } = await tx.researchOutput.updateMany({
          where: { id: row.id, anchorStatus: "FAILED" },
          data: { anchorStatus: "PENDING", anchorTxHash: null, registeredAt: null },
        });
        if (count === 0)
          throw new AppError("CONFLICT", "This output is already registered against this request.");
      },
    };
  },
};
