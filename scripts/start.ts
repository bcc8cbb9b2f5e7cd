/**
 * `npm run build && npm start`: the built app served by `next start` on the same embedded
 * database and persistent local chain as `npm run dev`, for a site that runs TrialShare on one
 * machine (set DATABASE_URL and CHAIN_RPC_URL to use PostgreSQL and a real chain instead).
 * Production rules apply: MASTER_KEY and NEXTAUTH_SECRET must be set. See README.
 */
import { runStack } from "./stack/run-stack";

await runStack("start", process.argv.slice(2));
