import "server-only";
import { z } from "zod";
import { fundAnalysesAction } from "~/server/services/analyses/analysis-actions";
import {
  withdrawEarningsAction,
  withdrawRewardsAction,
} from "~/server/services/earnings/earnings-actions";
import {
  enrollAction,
  reconsentAction,
  withdrawEnrollmentAction,
} from "~/server/services/enrollment/enrollment-actions";
import {
  grantConsentAction,
  publishListingAction,
  revokeConsentAction,
  unlistAction,
  updatePriceAction,
} from "~/server/services/listings/listing-actions";
import { createRequestAction, decideItemAction } from "~/server/services/requests/request-actions";
import { registerOutputAction } from "~/server/services/results/results-actions";
import { checkOutputKind, RESEARCH_OUTPUT_FIELDS } from "~/shared/research-output";
import {
  ENROLL_FIELDS,
  FUND_REWARDS_FIELDS,
  PROTOCOL_FIELDS,
  REGISTER_TRIAL_FIELDS,
  ZTokenAmountSchema,
} from "~/shared/trial-actions";
import {
  amendProtocolAction,
  fundRewardsAction,
  reclaimRewardsAction,
  registerTrialAction,
  revokeInvitationAction,
} from "~/server/services/trials/trial-actions";
import type { ActionHandler } from "./action-plan";

/** Every signed user action, by the name pages use, with the input it takes. */
const id = z.string().min(1).max(64);
const account = z
  .string()
  .regex(/^0x[0-9a-fA-F]{40}$/, "must be an account address")
  .optional();

export const ZActionSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("listing.publish"), listingId: id }),
  z.object({ type: z.literal("listing.revokeConsent"), listingId: id }),
  z.object({ type: z.literal("listing.grantConsent"), listingId: id }),
  z.object({
    type: z.literal("listing.updatePrice"),
    listingId: id,
    price: z
      .string()
      .trim()
      .regex(/^\d{1,12}(\.\d{1,18})?$/, "Enter a price like 10 or 2.5"),
  }),
  z.object({ type: z.literal("listing.unlist"), listingId: id }),
  z.object({ type: z.literal("enrollment.enroll"), ...ENROLL_FIELDS }),
  z.object({ type: z.literal("enrollment.reconsent"), trialId: id }),
  z.object({ type: z.literal("enrollment.withdraw"), trialId: id }),
  z.object({ type: z.literal("item.decide"), itemId: id, approve: z.boolean() }),
  z.object({ type: z.literal("request.create"), requestId: id }),
  z.object({
    type: z.literal("analysis.fund"),
    requestId: id,
    count: z.number().int().min(1, "Buy at least one analysis").max(100, "At most 100 at once"),
  }),
  z
    .object({ type: z.literal("output.register"), ...RESEARCH_OUTPUT_FIELDS })
    .superRefine(checkOutputKind),
  z.object({ type: z.literal("earnings.withdraw"), account }),
  z.object({ type: z.literal("trial.register"), ...REGISTER_TRIAL_FIELDS, ...PROTOCOL_FIELDS }),
  z.object({ type: z.literal("trial.amend"), trialId: id, ...PROTOCOL_FIELDS }),
  z.object({ type: z.literal("trial.fundRewards"), trialId: id, ...FUND_REWARDS_FIELDS }),
  z.object({ type: z.literal("rewards.withdraw"), account }),
  z.object({ type: z.literal("trial.reclaimRewards"), trialId: id, amount: ZTokenAmountSchema }),
  z.object({ type: z.literal("trial.revokeInvitation"), invitationId: id }),
]);
export type TAction = z.infer<typeof ZActionSchema>;

const HANDLERS: {
  [Type in TAction["type"]]: ActionHandler<Omit<Extract<TAction, { type: Type }>, "type">>;
} = {
  "listing.publish": publishListingAction,
  "listing.revokeConsent": revokeConsentAction,
  "listing.grantConsent": grantConsentAction,
  "listing.updatePrice": updatePriceAction,
  "listing.unlist": unlistAction,
  "enrollment.enroll": enrollAction,
  "enrollment.reconsent": reconsentAction,
  "enrollment.withdraw": withdrawEnrollmentAction,
  "item.decide": decideItemAction,
  "request.create": createRequestAction,
  "analysis.fund": fundAnalysesAction,
  "output.register": registerOutputAction,
  "earnings.withdraw": withdrawEarningsAction,
  "rewards.withdraw": withdrawRewardsAction,
  "trial.register": registerTrialAction,
  "trial.amend": amendProtocolAction,
  "trial.fundRewards": fundRewardsAction,
  "trial.reclaimRewards": reclaimRewardsAction,
  "trial.revokeInvitation": revokeInvitationAction,
};

export function handlerFor(action: TAction): { handler: ActionHandler<unknown>; input: unknown } {
  const { type, ...input } = action;
  return { handler: HANDLERS[type], input };
}
