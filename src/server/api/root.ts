import "server-only";
import { accountRouter } from "./routers/account/account.router";
import { analysesRouter } from "./routers/analyses/analyses.router";
import { auditRouter } from "./routers/audit/audit.router";
import { actionsRouter } from "./routers/actions/actions.router";
import { enrollmentsRouter } from "./routers/enrollments/enrollments.router";
import { extractsRouter } from "./routers/extracts/extracts.router";
import { ledgerRouter } from "./routers/ledger/ledger.router";
import { listingsRouter } from "./routers/listings/listings.router";
import { notificationsRouter } from "./routers/notifications/notifications.router";
import { requestsRouter } from "./routers/requests/requests.router";
import { rightsRouter } from "./routers/rights/rights.router";
import { systemRouter } from "./routers/system/system.router";
import { trialsRouter } from "./routers/trials/trials.router";
import { uploadsRouter } from "./routers/uploads/uploads.router";
import { createCallerFactory, createTRPCRouter } from "./trpc";

export const appRouter = createTRPCRouter({
  account: accountRouter,
  actions: actionsRouter,
  analyses: analysesRouter,
  audit: auditRouter,
  enrollments: enrollmentsRouter,
  extracts: extractsRouter,
  ledger: ledgerRouter,
  listings: listingsRouter,
  notifications: notificationsRouter,
  requests: requestsRouter,
  rights: rightsRouter,
  system: systemRouter,
  trials: trialsRouter,
  uploads: uploadsRouter,
});

export type AppRouter = typeof appRouter;

/** Server-side caller: `createCaller(createTRPCContext({ session }))`. */
export const createCaller = createCallerFactory(appRouter);
