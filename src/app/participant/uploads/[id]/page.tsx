import { HydrateClient, prefetch } from "~/trpc/server";
import { NotForRole } from "../../../_components/not-for-role";
import { requireRole } from "../../../_components/require-role";
import { UploadReview } from "./upload-review";

export default async function UploadPage({ params }: { params: Promise<{ id: string }> }) {
  const { isAllowed } = await requireRole("PARTICIPANT");
  if (!isAllowed) return <NotForRole what="Sharing data" />;
  const { id } = await params;
  await prefetch.uploads.byId.prefetch({ uploadId: id });
  return (
    <HydrateClient>
      <UploadReview uploadId={id} />
    </HydrateClient>
  );
}
