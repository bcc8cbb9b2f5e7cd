/**
 * `npm run dev [-- --reset]`: the whole stack on one machine with `next dev` and the demo data
 * (seeded once, into an empty installation). Data is kept across restarts in DATA_DIR;
 * `--reset` deletes it first, saying what. See scripts/stack/run-stack.ts.
 */
import { DEMO_ACCOUNTS, DEMO_PASSWORD } from "~/server/seed/demo-accounts";
import { runStack } from "./stack/run-stack";

await runStack("dev", process.argv.slice(2));
console.log(
  `[dev] demo accounts (password "${DEMO_PASSWORD}"): ${DEMO_ACCOUNTS.map((account) => account.email).join(", ")}`,
);
