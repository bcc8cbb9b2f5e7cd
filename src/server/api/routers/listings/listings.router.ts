import { z } from "zod";
import { getChain } from "~/server/chain/client";
import { createListingDraft } from "~/server/services/listings/create-listing-draft";
import { findCatalogueListings, findMyListings } from "~/server/services/listings/find-listings";
import { getListing } from "~/server/services/listings/get-listing";
import {
  prepareListingSignature,
  publishListing,
} from "~/server/services/listings/publish-listing";
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
  ZPublishListingSchema,
  ZTypedDataSchema,
} from "./listings.types";

export const listingsRouter = createTRPCRouter({
  createDraft: participantProcedure
    .input(ZCreateListingDraftSchema)
    .output(z.object({ id: z.string() }))
    .mutation(({ ctx, input }) =>
      createListingDraft({ db: ctx.db, ownerId: ctx.session.user.id, input }),
    ),

  prepareSignature: participantProcedure
    .input(ZListingIdSchema)
    .output(z.object({ typedData: ZTypedDataSchema, signsInWallet: z.boolean() }))
    .mutation(async ({ ctx, input }) =>
      prepareListingSignature({
        db: ctx.db,
        chain: await getChain(),
        userId: ctx.session.user.id,
        listingId: input.listingId,
      }),
    ),

  publish: participantProcedure
    .input(ZPublishListingSchema)
    .output(z.object({ id: z.string(), status: z.literal("ACTIVE") }))
    .mutation(async ({ ctx, input }) =>
      publishListing({
        db: ctx.db,
        chain: await getChain(),
        userId: ctx.session.user.id,
        listingId: input.listingId,
        request: input.request,
        signature: input.signature,
      }),
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
