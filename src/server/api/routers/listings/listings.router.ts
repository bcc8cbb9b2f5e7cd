import { z } from "zod";
import { getChain } from "~/server/chain/client";
import { createListingDraft } from "~/server/services/listings/create-listing-draft";
import { findCatalogueListings, findMyListings } from "~/server/services/listings/find-listings";
import { getListing } from "~/server/services/listings/get-listing";
import {
  createTRPCRouter,
  participantProcedure,
  protectedProcedure,
  roleProcedure,
} from "../../trpc";
import {
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
    .output(z.object({ items: z.array(ZListingDtoSchema), nextCursor: z.string().nullable() }))
    .query(({ ctx, input }) =>
      findCatalogueListings({ db: ctx.db, viewerId: ctx.session.user.id, ...input }),
    ),
});
