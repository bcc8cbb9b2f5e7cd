import { requireRole } from "../../_components/require-role";
import { ListingDetail } from "./listing-detail";

export default async function ListingPage({ params }: { params: Promise<{ id: string }> }) {
  await requireRole();
  const { id } = await params;
  return <ListingDetail listingId={id} />;
}
