"use client";

import { ErrorState } from "./_components/page-state";

/**
 * A page that failed while rendering: the header and navigation stay, the page says so and
 * offers to try again. Next passes only a digest for server errors, never their details.
 */
export default function PageError({
  reset,
}: {
  error: Error & { digest?: string };
  reset: () => void;
}) {
  return (
    <div className="space-y-4">
      <h1 className="text-2xl font-semibold">This page could not be shown</h1>
      <ErrorState
        message="Something went wrong on our side. Nothing was changed; try again, or come back in a moment."
        onRetry={reset}
      />
    </div>
  );
}
