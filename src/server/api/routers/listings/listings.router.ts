import { z } from "zod";
import { getChain } from "~/server/chain/client";
import { createListingDraft } from "~/server/services/listings/create-listing-draft";
import {
  findCatalogueIds,
  findCatalogueListings,
  findMyListings,
} from "~/server/services/listings/find-listings";
import { PURPOSE_KEYS } from "~/server/services/consent/purposes";
import { getListing } from "~/server/services/listings/get-listing";
import {
  createTRPCRouter,
  participantProcedure,
  protectedProcedure,
  roleProcedure,
} from "../../trpc";
import {
  ZCatalogueFilterSchema,
  ZCatalogueItemSchema,
  ZCatalogueSchema,
  ZCreateListingDraftSchema,
  ZListingDetailSchema,
  ZListingDtoSchema,
  ZListingIdSchema,
} from "./listings.types";

export const listingsRouter = createTRPCRouter({
  /** From a de-identified upload; publishing is the signed action "listing.publish". */
  createDraft: participantProcedure
    .input(ZCreateListingDraftSchema)
    .output(z.object({ id: z.string() }))
    .mutation(({ ctx, input }) =>
      createListingDraft({ db: ctx.db, ownerId: ctx.session.user.id, input }),
    ),

  mine: participantProcedure
    .output(z.array(ZListingDtoSchema))
    .query(({ ctx }) => findMyListings({ db: ctx.db, ownerId: ctx.session.user.id })),

  byId: protectedProcedure
    .input(ZListingIdSchema)
    .output(ZListingDetailSchema)
    .query(({ ctx, input }) =>
      getListing({ db: ctx.db, getChain, viewer: ctx.session.user, listingId: input.listingId }),
    ),

  catalogue: roleProcedure("RESEARCHER", "SPONSOR", "AUDITOR")
    .input(ZCatalogueSchema)
    .output(
      z.object({
        items: z.array(ZCatalogueItemSchema),
        total: z.number(),
        nextCursor: z.number().nullable(),
        facets: z.object({
          dataType: z.object({ CSV: z.number(), FHIR: z.number() }),
          purpose: z.record(z.enum(PURPOSE_KEYS), z.number()),
        }),
      }),
    )
    .query(async ({ ctx, input }) => {
      const result = await findCatalogueListings({
        db: ctx.db,
        viewerId: ctx.session.user.id,
        filter: input.filter,
        sort: input.sort,
        limit: input.limit,
        offset: input.cursor ?? 0,
      });
      return { ...result, nextCursor: result.nextOffset };
    }),

  /** Ids of every listing a search matches (up to 500), to add them all to a cohort. */
  catalogueIds: roleProcedure("RESEARCHER")
    .input(z.object({ filter: ZCatalogueFilterSchema }))
    .output(z.array(z.string()))
    .query(({ ctx, input }) => findCatalogueIds({ db: ctx.db, filter: input.filter })),
});
