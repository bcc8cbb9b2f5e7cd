import "server-only";
import { z } from "zod";
import { getChain } from "~/server/chain/client";
import { findTrials } from "~/server/services/trials/find-trials";
import {
  issueInvitations,
  listInvitations,
  prepareInvitations,
} from "~/server/services/trials/invitations";
import { getTrialOverview } from "~/server/services/trials/trial-overview";
import {
  INVITATION_BATCH_FIELDS,
  MAX_INVITATIONS_PER_BATCH,
  ZInvitationLabelSchema,
} from "~/shared/invitations";
import { auditorProcedure, createTRPCRouter, publicProcedure, sponsorProcedure } from "../../trpc";
import { ZInvitation, ZInvitationDrafts, ZTrialOverview } from "./trials.types";

const trialId = z.string().min(1).max(64);

const ZTrials = z.array(
  z.object({
    id: z.string(),
    registryId: z.string(),
    title: z.string(),
    phase: z.string(),
    conditions: z.array(z.string()),
    currentVersion: z.number(),
    anchorStatus: z.enum(["PENDING", "CONFIRMED", "FAILED"]),
    sponsorName: z.string(),
  }),
);

export const trialsRouter = createTRPCRouter({
  list: publicProcedure.output(ZTrials).query(({ ctx }) => findTrials({ db: ctx.db })),
  /** The trials this user may audit: every trial for an auditor, its own for a sponsor. */
  auditable: auditorProcedure.output(ZTrials).query(({ ctx }) =>
    findTrials({
      db: ctx.db,
      sponsorId: ctx.session.user.role === "SPONSOR" ? ctx.session.user.id : undefined,
    }),
  ),
  /** The sponsor's own trials. */
  mine: sponsorProcedure
    .output(ZTrials)
    .query(({ ctx }) => findTrials({ db: ctx.db, sponsorId: ctx.session.user.id })),
  /** Enrolment, rewards and data use of one of the sponsor's trials. */
  overview: sponsorProcedure
    .input(z.object({ trialId: z.string().min(1).max(64) }))
    .output(ZTrialOverview)
    .query(async ({ ctx, input }) =>
      getTrialOverview({
        db: ctx.db,
        chain: await getChain(),
        sponsorId: ctx.session.user.id,
        trialId: input.trialId,
      }),
    ),
  /** The trial's invitations, with the code (and so the link) of each one still open. */
  invitations: sponsorProcedure
    .input(z.object({ trialId }))
    .output(z.array(ZInvitation))
    .query(({ ctx, input }) =>
      listInvitations({ db: ctx.db, sponsorId: ctx.session.user.id, trialId: input.trialId }),
    ),
  /** Fresh invitation keys and what the sponsor signs for each (nothing stored yet). */
  prepareInvitations: sponsorProcedure
    .input(
      z.object({
        trialId,
        ...INVITATION_BATCH_FIELDS,
      }),
    )
    .output(ZInvitationDrafts)
    .mutation(async ({ ctx, input }) =>
      prepareInvitations({
        db: ctx.db,
        chain: await getChain(),
        sponsor: ctx.session.user,
        ...input,
      }),
    ),
  /** Stores the signed invitations (signed on the server for server-held wallets). */
  issueInvitations: sponsorProcedure
    .input(
      z.object({
        trialId,
        label: ZInvitationLabelSchema,
        drafts: z
          .array(
            z.object({
              token: z.string().min(1).max(2_000),
              signature: z
                .string()
                .regex(/^0x[0-9a-fA-F]{130}$/)
                .optional(),
            }),
          )
          .min(1)
          .max(MAX_INVITATIONS_PER_BATCH),
      }),
    )
    .output(z.object({ invitations: z.array(z.object({ id: z.string(), code: z.string() })) }))
    .mutation(async ({ ctx, input }) =>
      issueInvitations({
        db: ctx.db,
        chain: await getChain(),
        sponsor: ctx.session.user,
        ...input,
      }),
    ),
});
