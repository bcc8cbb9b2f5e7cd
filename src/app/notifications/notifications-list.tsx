"use client";

import Link from "next/link";
import { api } from "~/trpc/react";
import { ErrorState, LoadingState } from "../_components/page-state";

/** What happened, newest first; opening one marks it read. */
export function NotificationsList() {
  const utils = api.useUtils();
  const list = api.notifications.mine.useQuery({ limit: 100 });
  const markRead = api.notifications.markRead.useMutation({
    onSuccess: () => utils.notifications.invalidate(),
  });
  if (list.isPending) return <LoadingState label="Loading your notifications…" />;
  if (list.error)
    return <ErrorState message={list.error.message} onRetry={() => void list.refetch()} />;
  const { items, unread } = list.data;
  return (
    <section className="card space-y-3" data-testid="notifications">
      <div className="flex items-center gap-3">
        <p className="text-sm text-slate-600">
          {unread === 0 ? "Nothing unread." : `${unread} unread.`}
        </p>
        {unread > 0 && (
          <button
            type="button"
            className="btn-secondary ml-auto"
            disabled={markRead.isPending}
            onClick={() => markRead.mutate({})}
          >
            Mark all read
          </button>
        )}
      </div>
      {items.length === 0 ? (
        <p className="text-sm text-slate-600">No notifications yet.</p>
      ) : (
        <ul className="divide-y divide-slate-100">
          {items.map((item) => (
            <li key={item.id} className="py-3" data-testid="notification">
              <Link
                href={item.link}
                className="block hover:text-teal-800"
                onClick={() => !item.isRead && markRead.mutate({ ids: [item.id] })}
              >
                <span className={item.isRead ? "text-slate-700" : "font-semibold"}>
                  {item.title}
                </span>
                <span className="block text-sm text-slate-600">{item.body}</span>
                <span className="block text-xs text-slate-500">
                  {item.createdAt.toLocaleString()}
                </span>
              </Link>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
