import "server-only";
import { AppError } from "~/server/errors";
import type { ActionHandler } from "~/server/services/actions/action-plan";

/** Gas the forwarder passes on for fundAnalyses (a token pull and one storage word). */
const FUND_GAS = 160_000n;

/**
 * Buys `count` analyses on one of the researcher's requests (fundAnalyses, forwarded): each
 * costs the request's analysis fee (10 % of its escrow), escrowed with the request and returned
 * unused after the access period. The forwarder's nonce refuses a replayed signature; the
 * contract refuses anyone but the request's researcher.
 */
export const fundAnalysesAction: ActionHandler<{ requestId: string; count: number }> = {
  kind: "analysis.fund",
  roles: ["RESEARCHER"],
  async plan({ db, chain, user }, { requestId, count }) {
    const request = await db.accessRequest.findUnique({
      where: { id: requestId },
      select: {
        id: true,
        researcherId: true,
        chainKey: true,
        anchorStatus: true,
        accessUntil: true,
      },
    });
    if (!request || request.researcherId !== user.id)
      throw new AppError("NOT_FOUND", "No request of yours has this id.");
    if (request.anchorStatus !== "CONFIRMED")
      throw new AppError("CONFLICT", "This request is not recorded on chain yet.");
    if (request.accessUntil < new Date())
      throw new AppError("FORBIDDEN", "The access period of this request has ended.");
    const [, fee] = await chain.contracts.marketplace.analysisCredits(request.chainKey);
    if (fee === 0n) throw new AppError("CONFLICT", "This request escrowed nothing to analyse.");
    const to = chain.deployment.contracts.DataMarketplace;
    return {
      entityId: request.id,
      spends: fee * BigInt(count),
      call: {
        to,
        gas: FUND_GAS,
        data: chain.contracts.marketplace.interface.encodeFunctionData("fundAnalyses", [
          request.chainKey,
          count,
        ]),
      },
      // The marketplace has no fundAnalysesWithPermit (contract size, docs/contracts.md): a
      // short allowance is topped up by the permit relayed on its own, just before.
      permitApart: true,
    };
  },
};
