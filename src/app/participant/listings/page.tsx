import Link from "next/link";
import { getServerApi } from "~/trpc/server";
import { ListingCard } from "../../_components/listing-card";
import { NotForRole } from "../../_components/not-for-role";
import { requireRole } from "../../_components/require-role";

export const dynamic = "force-dynamic";

export default async function MyListingsPage() {
  const { isAllowed } = await requireRole("PARTICIPANT");
  if (!isAllowed) return <NotForRole what="Publishing listings" />;
  const listings = await (await getServerApi()).listings.mine();
  return (
    <div className="space-y-4">
      <div className="flex items-center justify-between">
        <h1 className="text-2xl font-semibold">My listings</h1>
        <Link href="/participant/uploads/new" className="btn">
          Share data
        </Link>
      </div>
      {listings.length === 0 ? (
        <p className="card text-slate-600">
          You have no listings yet. Publish your first one to start earning.
        </p>
      ) : (
        <ul className="space-y-3">
          {listings.map((listing) => (
            <ListingCard key={listing.id} listing={listing} />
          ))}
        </ul>
      )}
    </div>
  );
}
