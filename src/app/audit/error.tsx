"use client";

import { PageFailed } from "../_components/page-state";

/** Keeps the header and the role's navigation when a page of this segment fails. */
export default function SegmentError({
  reset,
}: {
  error: Error & { digest?: string };
  reset: () => void;
}) {
  return <PageFailed title="The audit could not be shown" reset={reset} />;
}
