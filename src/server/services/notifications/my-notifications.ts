import "server-only";
import type { DbClient } from "~/server/db";
import type { TNotificationPreferences } from "~/shared/notification-preferences";

/** What a user is shown of a notification, on the page and in the export of their data. */
export const NOTIFICATION_FIELDS = {
  id: true,
  kind: true,
  title: true,
  body: true,
  link: true,
  createdAt: true,
  readAt: true,
} as const;

/** A user's own notifications (the bell and the notifications page) and their choices. */
export async function listMyNotifications(options: {
  db: DbClient;
  userId: string;
  limit: number;
}) {
  const [items, unread] = await Promise.all([
    options.db.notification.findMany({
      where: { userId: options.userId },
      orderBy: { createdAt: "desc" },
      take: options.limit,
      select: NOTIFICATION_FIELDS,
    }),
    countUnread(options),
  ]);
  return {
    items: items.map(({ readAt, ...item }) => ({ ...item, isRead: readAt !== null })),
    unread,
  };
}

export async function countUnread(options: { db: DbClient; userId: string }) {
  return options.db.notification.count({ where: { userId: options.userId, readAt: null } });
}

/** Marks the given notifications (or all) read; only the user's own are touched. */
export async function markNotificationsRead(options: {
  db: DbClient;
  userId: string;
  ids?: string[];
}) {
  const { count } = await options.db.notification.updateMany({
    where: {
      userId: options.userId,
      readAt: null,
      ...(options.ids ? { id: { in: options.ids } } : {}),
    },
    data: { readAt: new Date() },
  });
  return { marked: count };
}

export async function getNotificationPreferences(options: {
  db: DbClient;
  userId: string;
}): Promise<TNotificationPreferences> {
  const row = await options.db.notificationPreference.findUnique({
    where: { userId: options.userId },
    select: { emailEnabled: true, digest: true },
  });
  return row ?? { emailEnabled: true, digest: "IMMEDIATE" };
}

export async function updateNotificationPreferences(options: {
  db: DbClient;
  userId: string;
  input: TNotificationPreferences;
}): Promise<TNotificationPreferences> {
  return options.db.notificationPreference.upsert({
    where: { userId: options.userId },
    create: { userId: options.userId, ...options.input },
    update: options.input,
    select: { emailEnabled: true, digest: true },
  });
}
