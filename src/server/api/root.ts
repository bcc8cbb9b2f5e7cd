import { accountRouter } from "./routers/account/account.router";
import { listingsRouter } from "./routers/listings/listings.router";
import { trialsRouter } from "./routers/trials/trials.router";
import { createCallerFactory, createTRPCRouter } from "./trpc";

export const appRouter = createTRPCRouter({
  account: accountRouter,
  listings: listingsRouter,
  trials: trialsRouter,
});

export type AppRouter = typeof appRouter;

/** Server-side caller: `createCaller(createTRPCContext({ session }))`. */
export const createCaller = createCallerFactory(appRouter);
