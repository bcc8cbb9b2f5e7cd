"use client";

import type { ReactNode } from "react";

/**
 * The three states a page's data can be in besides "here it is", said the same way on every
 * page: loading (announced politely, marked busy), failed (an alert with a way to try again),
 * and empty (what to do next). `QueryState` picks the right one for a tRPC query.
 */
export function LoadingState({ label = "Loading…" }: { label?: string }) {
  return (
    <p role="status" aria-live="polite" className="flex items-center gap-2 text-slate-600">
      <span
        aria-hidden="true"
        className="inline-block size-4 animate-spin rounded-full border-2 border-slate-300 border-t-teal-700"
      />
      {label}
    </p>
  );
}

export function ErrorState({ message, onRetry }: { message: string; onRetry?: () => void }) {
  return (
    <div role="alert" className="card space-y-2 text-red-800">
      <p>{message}</p>
      {onRetry && (
        <button type="button" className="btn-secondary" onClick={onRetry}>
          Try again
        </button>
      )}
    </div>
  );
}

export function EmptyState({ children }: { children: ReactNode }) {
  return <div className="card text-slate-600">{children}</div>;
}

type QueryLike<Data> =
  | { isPending: true; error: null; data: undefined; refetch: () => unknown }
  | { isPending: false; error: { message: string }; data: Data | undefined; refetch: () => unknown }
  | { isPending: false; error: null; data: Data; refetch: () => unknown };

/** Loading, failed, empty or the data: one of the four, for any tRPC query. */
export function QueryState<Data>({
  query,
  loading,
  isEmpty,
  empty,
  children,
}: {
  query: QueryLike<Data>;
  loading?: string;
  isEmpty?: (data: Data) => boolean;
  empty?: ReactNode;
  children: (data: Data) => ReactNode;
}) {
  if (query.isPending) return <LoadingState label={loading} />;
  const failed = query.error && (
    <ErrorState message={query.error.message} onRetry={() => void query.refetch()} />
  );
  if (query.data === undefined) return failed || <LoadingState label={loading} />;
  // A refresh that failed keeps what was shown before, under the error.
  return (
    <>
      {failed}
      {isEmpty?.(query.data) && empty ? <EmptyState>{empty}</EmptyState> : children(query.data)}
    </>
  );
}

/**
 * A route segment that failed while rendering (its `error.tsx`): the header and navigation stay,
 * the page names what could not be shown and offers to try again. Next passes only a digest
 * for server errors, never their details, so nothing internal reaches the page.
 */
export function PageFailed({ title, reset }: { title: string; reset: () => void }) {
  return (
    <div className="space-y-4">
      <h1 className="text-2xl font-semibold">{title}</h1>
      <ErrorState
        message="Something went wrong on our side. Nothing was changed; try again, or come back in a moment."
        onRetry={reset}
      />
    </div>
  );
}
