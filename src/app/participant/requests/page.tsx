import { HydrateClient, prefetch } from "~/trpc/server";
import { NotForRole } from "../../_components/not-for-role";
import { requireRole } from "../../_components/require-role";
import { IncomingRequests } from "./incoming-requests";

export default async function ParticipantRequestsPage() {
  const { isAllowed } = await requireRole("PARTICIPANT");
  if (!isAllowed) return <NotForRole what="Deciding requests" />;
  await prefetch.requests.incoming.prefetch();
  return (
    <div className="space-y-4">
      <h1 className="text-2xl font-semibold">Requests for your data</h1>
      <HydrateClient>
        <IncomingRequests />
      </HydrateClient>
    </div>
  );
}
