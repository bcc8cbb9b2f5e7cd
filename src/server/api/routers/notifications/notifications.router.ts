import "server-only";
import { z } from "zod";
import {
  countUnread,
  getNotificationPreferences,
  listMyNotifications,
  markNotificationsRead,
  updateNotificationPreferences,
} from "~/server/services/notifications/my-notifications";
import { unsubscribe } from "~/server/services/notifications/unsubscribe-token";
import { ZNotificationPreferencesSchema } from "~/shared/notification-preferences";
import { createTRPCRouter, protectedProcedure, publicProcedure } from "../../trpc";

const ZNotificationSchema = z.object({
  id: z.string(),
  kind: z.string(),
  title: z.string(),
  body: z.string(),
  link: z.string(),
  createdAt: z.date(),
  isRead: z.boolean(),
});

export const notificationsRouter = createTRPCRouter({
  mine: protectedProcedure
    .input(z.object({ limit: z.number().int().min(1).max(200).default(50) }).default({ limit: 50 }))
    .output(z.object({ items: z.array(ZNotificationSchema), unread: z.number() }))
    .query(({ ctx, input }) =>
      listMyNotifications({ db: ctx.db, userId: ctx.session.user.id, limit: input.limit }),
    ),

  unreadCount: protectedProcedure
    .output(z.number())
    .query(({ ctx }) => countUnread({ db: ctx.db, userId: ctx.session.user.id })),

  markRead: protectedProcedure
    .input(z.object({ ids: z.array(z.string().min(1).max(64)).max(200).optional() }))
    .output(z.object({ marked: z.number() }))
    .mutation(({ ctx, input }) =>
      markNotificationsRead({ db: ctx.db, userId: ctx.session.user.id, ids: input.ids }),
    ),

  preferences: protectedProcedure
    .output(ZNotificationPreferencesSchema)
    .query(({ ctx }) => getNotificationPreferences({ db: ctx.db, userId: ctx.session.user.id })),

  updatePreferences: protectedProcedure
    .input(ZNotificationPreferencesSchema)
    .output(ZNotificationPreferencesSchema)
    .mutation(({ ctx, input }) =>
      updateNotificationPreferences({ db: ctx.db, userId: ctx.session.user.id, input }),
    ),

  /** From an email's link, signed in or not: the signed token says whose choice changes. */
  unsubscribe: publicProcedure
    .input(z.object({ token: z.string().min(10).max(1000) }))
    .output(z.object({ isUnsubscribed: z.literal(true) }))
    .mutation(({ ctx, input }) => unsubscribe({ db: ctx.db, token: input.token })),
});
