import { HydrateClient, prefetch } from "~/trpc/server";
import { requireRole } from "../../_components/require-role";
import { ListingDetail } from "./listing-detail";

export default async function ListingPage({ params }: { params: Promise<{ id: string }> }) {
  await requireRole();
  const { id } = await params;
  await prefetch.listings.byId.prefetch({ listingId: id });
  return (
    <HydrateClient>
      <ListingDetail listingId={id} />
    </HydrateClient>
  );
}
