"use client";

import Link from "next/link";
import { api } from "~/trpc/react";

/** The header's bell: unread notifications, refreshed every half minute. */
export function NotificationBell() {
  const unread = api.notifications.unreadCount.useQuery(undefined, { refetchInterval: 30_000 });
  const count = unread.data ?? 0;
  return (
    <Link
      href="/notifications"
      className="relative text-slate-700 hover:text-teal-800"
      aria-label={count > 0 ? `Notifications, ${count} unread` : "Notifications"}
      data-testid="notification-bell"
    >
      <span aria-hidden="true">🔔</span>
      {count > 0 && (
        <span
          className="absolute -top-2 -right-3 rounded-full bg-red-700 px-1.5 text-xs text-white"
          data-testid="unread-count"
        >
          {count > 99 ? "99+" : count}
        </span>
      )}
    </Link>
  );
}
