import { HydrateClient, prefetch } from "~/trpc/server";
import { NotForRole } from "../../_components/not-for-role";
import { requireRole } from "../../_components/require-role";
import { MyRequests } from "./my-requests";

export default async function ResearcherRequestsPage() {
  const { isAllowed } = await requireRole("RESEARCHER");
  if (!isAllowed) return <NotForRole what="Access requests" />;
  await prefetch.requests.mine.prefetch();
  return (
    <div className="space-y-4">
      <h1 className="text-2xl font-semibold">My requests</h1>
      <HydrateClient>
        <MyRequests />
      </HydrateClient>
    </div>
  );
}
