import "server-only";
import { z } from "zod";
import { getChain } from "~/server/chain/client";
import { createListingDraft } from "~/server/services/listings/create-listing-draft";
import { findMyListings } from "~/server/services/listings/find-listings";
import { catalogueLoadProgress } from "~/server/services/listings/catalogue/catalogue-sync";
import { findCatalogueIds, searchCatalogue } from "~/server/services/listings/search-catalogue";
import { getListing } from "~/server/services/listings/get-listing";
import {
  createTRPCRouter,
  participantProcedure,
  protectedProcedure,
  roleProcedure,
} from "../../trpc";
import {
  ZCatalogueFilterSchema,
  ZCatalogueResultSchema,
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
    .output(ZCatalogueResultSchema)
    .query(({ ctx, input }) =>
      searchCatalogue({
        db: ctx.db,
        filter: input.filter,
        sort: input.sort,
        limit: input.limit,
        offset: input.cursor ?? 0,
      }),
    ),

  /**
   * How far the catalogue's load after a start has come (null once searchable). Sent alone
   * (UNBATCHED_PROCEDURES): batched with the search it reports on, it would wait for it.
   */
  catalogueStatus: roleProcedure("RESEARCHER", "SPONSOR", "AUDITOR")
    .output(z.object({ read: z.number().int(), total: z.number().int() }).nullable())
    .query(({ ctx }) => catalogueLoadProgress(ctx.db)),

  /** Ids of every listing a search matches (up to 500), to add them all to a cohort. */
  catalogueIds: roleProcedure("RESEARCHER")
    .input(z.object({ filter: ZCatalogueFilterSchema }))
    .output(z.array(z.string()))
    .query(({ ctx, input }) => findCatalogueIds({ db: ctx.db, filter: input.filter })),
});
