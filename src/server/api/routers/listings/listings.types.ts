import "server-only";
import { z } from "zod";
import { PURPOSE_KEYS } from "~/server/services/consent/purposes";
import {
  CATALOGUE_FILTER_KEYS,
  CATALOGUE_PAGE_SIZE,
  CATALOGUE_SORTS,
  MAX_CATALOGUE_OFFSET,
  ZCatalogueFilterSchema,
} from "~/shared/catalogue-search";
import { ZCreateListingDraftSchema } from "~/shared/listing-draft";

const id = z.string().min(1).max(64);

export const ZListingIdSchema = z.object({ listingId: id });

export { ZCatalogueFilterSchema, ZCreateListingDraftSchema };

export const ZCatalogueSchema = z.object({
  filter: ZCatalogueFilterSchema.default({}),
  sort: z.enum(CATALOGUE_SORTS).default("newest"),
  limit: z.number().int().min(1).max(100).default(CATALOGUE_PAGE_SIZE),
  cursor: z.number().int().min(0).max(MAX_CATALOGUE_OFFSET).nullish(),
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
  isErased: z.boolean(),
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
  ownerName: true,
  trial: true,
  createdAt: true,
}).extend({
  anchor: z.object({ status: z.enum(["PENDING", "CONFIRMED", "FAILED"]) }),
  consent: z
    .object({
      purposes: z.array(z.enum(PURPOSE_KEYS)),
      expiresAt: z.date(),
      autoApprove: z.boolean(),
    })
    .nullable(),
});

export const ZCatalogueResultSchema = z.object({
  items: z.array(ZCatalogueItemSchema),
  /** Exact: every match is counted. */
  total: z.number(),
  nextCursor: z.number().nullable(),
  /** Counts for each value of a facet, with the other filters applied but not its own. */
  facets: z.object({
    dataType: z.object({ CSV: z.number(), FHIR: z.number() }),
    purpose: z.record(z.enum(PURPOSE_KEYS), z.number()),
  }),
  /** When nothing matches: what dropping each filter alone would find. */
  relax: z.array(z.object({ filter: z.enum(CATALOGUE_FILTER_KEYS), total: z.number() })),
  /** Time the server spent on the search, in milliseconds. */
  tookMs: z.number(),
});
