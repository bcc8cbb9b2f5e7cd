import "server-only";
import { z } from "zod";
import { ZRequestResultsSchema } from "~/shared/research-output";

const ZAnchor = z.enum(["PENDING", "CONFIRMED", "FAILED"]);
const ZPurposeUses = z.array(z.object({ purpose: z.string(), uses: z.number() }));

export const ZTrialOverview = z.object({
  trial: z.object({
    id: z.string(),
    registryId: z.string(),
    title: z.string(),
    phase: z.string(),
    conditions: z.array(z.string()),
    sites: z.array(z.string()),
    chainKey: z.string(),
    currentVersion: z.number(),
    anchorStatus: ZAnchor,
  }),
  versions: z.array(
    z.object({
      version: z.number(),
      documentName: z.string(),
      documentHash: z.string(),
      createdAt: z.date(),
      isRecorded: z.boolean(),
      activeEnrollments: z.number(),
    }),
  ),
  enrollment: z.object({
    series: z.array(z.object({ day: z.string(), active: z.number() })),
    withdrawals: z.array(z.object({ time: z.date(), txHash: z.string() })),
  }),
  rewards: z.object({
    pool: z.string().nullable(),
    perEnrollment: z.string().nullable(),
    funded: z.string(),
    credited: z.string(),
    sponsorBalance: z.string(),
  }),
  usage: z.object({ byPurpose: ZPurposeUses, researchers: z.number(), revenue: z.string() }),
  listings: z.array(
    z.object({
      id: z.string(),
      title: z.string(),
      status: z.enum(["DRAFT", "ACTIVE", "UNLISTED"]),
      recordCount: z.number(),
      price: z.string(),
      requested: z.number(),
      approved: z.number(),
      researchers: z.number(),
      usesByPurpose: ZPurposeUses,
      revenue: z.string(),
    }),
  ),
  /** Requests that used the trial's data, their registered outputs or "no results reported". */
  results: z.array(ZRequestResultsSchema),
});

export const ZInvitation = z.object({
  id: z.string(),
  invitationKey: z.string(),
  label: z.string(),
  status: z.enum(["OPEN", "REDEEMED", "REVOKED", "EXPIRED"]),
  isRevoking: z.boolean(),
  expiresAt: z.date(),
  redeemedAt: z.date().nullable(),
  createdAt: z.date(),
  code: z.string().nullable(),
});

const field = z.object({ name: z.string(), type: z.string() });

export const ZInvitationDrafts = z.object({
  drafts: z.array(
    z.object({
      token: z.string(),
      typedData: z.object({
        domain: z.object({
          name: z.string().optional(),
          version: z.string().optional(),
          chainId: z.number().optional(),
          verifyingContract: z.string().optional(),
        }),
        types: z.object({ Invitation: z.array(field) }),
        primaryType: z.literal("Invitation"),
        message: z.object({
          trialId: z.string(),
          invitationKey: z.string(),
          expiresAt: z.number(),
        }),
      }),
    }),
  ),
  signsInWallet: z.boolean(),
});
