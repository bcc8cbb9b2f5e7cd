import { NotForRole } from "../../_components/not-for-role";
import { requireRole } from "../../_components/require-role";
import { MyRequests } from "./my-requests";

export default async function ResearcherRequestsPage() {
  const { isAllowed } = await requireRole("RESEARCHER");
  if (!isAllowed) return <NotForRole what="Access requests" />;
  return (
    <div className="space-y-4">
      <h1 className="text-2xl font-semibold">My requests</h1>
      <MyRequests />
    </div>
  );
}
