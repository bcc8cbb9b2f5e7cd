"use client";

import { api } from "~/trpc/react";

export function UnsubscribeForm({ token }: { token: string }) {
  const unsubscribe = api.notifications.unsubscribe.useMutation();
  if (unsubscribe.isSuccess)
    return (
      <p className="card text-sm" data-testid="unsubscribed">
        Done: you will get no more notification emails. They still appear in the app, and you can
        turn emails back on from your notifications page.
      </p>
    );
  return (
    <div className="card space-y-3">
      <p className="text-sm">You will still see notifications in the app; only the emails stop.</p>
      <button
        type="button"
        className="btn"
        disabled={unsubscribe.isPending}
        onClick={() => unsubscribe.mutate({ token })}
      >
        Unsubscribe
      </button>
      {unsubscribe.error && (
        <p role="alert" className="text-sm text-red-800">
          {unsubscribe.error.message}
        </p>
      )}
    </div>
  );
}
