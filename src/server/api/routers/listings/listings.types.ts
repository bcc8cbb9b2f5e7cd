import { z } from "zod";
import { PURPOSE_KEYS } from "~/server/services/consent/purposes";

const id = z.string().min(1).max(64);

export const ZCreateListingDraftSchema = z.object({
  uploadId: id,
  dropColumns: z.array(z.string().max(200)).max(500).default([]),
  trialId: id.optional(),
  title: z.string().trim().min(3, "Give the listing a title of at least 3 characters").max(120),
  description: z.string().trim().max(2_000).default(""),
  conditions: z.array(z.string().trim().min(1).max(80)).max(20).default([]),
  price: z
    .string()
    .trim()
    .regex(/^\d{1,12}(\.\d{1,18})?$/, "Enter a price like 10 or 2.5"),
  purposes: z.array(z.enum(PURPOSE_KEYS)).min(1, "Allow at least one purpose"),
  consentExpiresAt: z.coerce.date(),
  autoApprove: z.boolean(),
});

export const ZListingIdSchema = z.object({ listingId: id });

const tokens = z
  .string()
  .trim()
  .regex(/^\d{1,12}(\.\d{1,18})?$/, "Enter an amount like 10 or 2.5");

export const ZCatalogueFilterSchema = z.object({
  query: z.string().trim().max(200).optional(),
  trialId: id.optional(),
  condition: z.string().trim().max(80).optional(),
  dataType: z.enum(["CSV", "FHIR"]).optional(),
  purpose: z.enum(PURPOSE_KEYS).optional(),
  minPrice: tokens.optional(),
  maxPrice: tokens.optional(),
  minRecords: z.number().int().min(0).max(100_000_000).optional(),
  publishedAfter: z.coerce.date().optional(),
  consentValidUntil: z.coerce.date().optional(),
});

export const ZCatalogueSchema = z.object({
  filter: ZCatalogueFilterSchema.default({}),
  sort: z
    .enum(["newest", "relevance", "price_asc", "price_desc", "records_desc"])
    .default("newest"),
  limit: z.number().int().min(1).max(100).default(20),
  cursor: z.number().int().min(0).max(100_000).nullish(),
});

export const ZListingDtoSchema = z.object({
  id: z.string(),
  chainKey: z.string(),
  title: z.string(),
  description: z.string(),
  dataType: z.enum(["CSV", "FHIR"]),
  conditions: z.array(z.string()),
  recordCount: z.number(),
  dataRoot: z.string(),
  priceWei: z.string(),
  price: z.string(),
  status: z.enum(["DRAFT", "ACTIVE", "UNLISTED"]),
  anchor: z.object({
    status: z.enum(["PENDING", "CONFIRMED", "FAILED"]),
    txHash: z.string().nullable(),
    blockNumber: z.number().nullable(),
  }),
  ownerName: z.string(),
  isOwner: z.boolean(),
  trial: z.object({ id: z.string(), registryId: z.string(), title: z.string() }).nullable(),
  consent: z
    .object({
      purposes: z.array(z.enum(PURPOSE_KEYS)),
      expiresAt: z.date(),
      autoApprove: z.boolean(),
      isRevoked: z.boolean(),
      termsHash: z.string(),
      epoch: z.number(),
      isSuspended: z.boolean(),
      isAwaitingReconsent: z.boolean(),
    })
    .nullable(),
  createdAt: z.date(),
});

const outboxState = z
  .object({
    kind: z.string(),
    status: z.enum(["PENDING", "SENT", "CONFIRMED", "FAILED"]),
    txHash: z.string().nullable(),
    lastError: z.string().nullable(),
  })
  .nullable();

export const ZChainCheckSchema = z.object({
  isReachable: z.boolean(),
  isAnchored: z.boolean(),
  ownerMatches: z.boolean(),
  dataRootMatches: z.boolean(),
  termsHashMatches: z.boolean(),
  reportHashMatches: z.boolean(),
  isPermittedOnChain: z.boolean(),
  /** Purposes the contract's isPermitted() allows right now. */
  permittedPurposes: z.array(z.enum(PURPOSE_KEYS)),
  outbox: outboxState,
});

export const ZListingDetailSchema = ZListingDtoSchema.extend({
  chain: ZChainCheckSchema,
  report: z.unknown().nullable(),
  reportHash: z.string().nullable(),
});

/** The catalogue's lighter item: what a result card and the cohort summary need. */
export const ZCatalogueItemSchema = ZListingDtoSchema.pick({
  id: true,
  title: true,
  dataType: true,
  conditions: true,
  recordCount: true,
  price: true,
  anchor: true,
  ownerName: true,
  trial: true,
  createdAt: true,
}).extend({
  consent: z
    .object({
      purposes: z.array(z.enum(PURPOSE_KEYS)),
      expiresAt: z.date(),
      autoApprove: z.boolean(),
    })
    .nullable(),
});
