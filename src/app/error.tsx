"use client";

import { PageFailed } from "./_components/page-state";

/** A page outside the role segments (start page, account, notifications) that failed. */
export default function PageError({
  reset,
}: {
  error: Error & { digest?: string };
  reset: () => void;
}) {
  return <PageFailed title="This page could not be shown" reset={reset} />;
}
