import "server-only";
import type { DbClient } from "~/server/db";

/**
 * The indexed on-chain events that concern a user: those naming one of their accounts, their
 * listings, their requests or their trials. Each comes with its transaction and block, so the
 * user can check it on any copy of the chain.
 */
export async function findMyChainFacts(
  db: DbClient,
  keys: { addresses: string[]; listingKeys: string[]; requestKeys: string[]; trialKeys: string[] },
) {
  const lower = (values: string[]) => [...new Set(values.map((value) => value.toLowerCase()))];
  const addresses = lower(keys.addresses);
  const listings = lower(keys.listingKeys);
  const requests = lower(keys.requestKeys);
  const trials = lower(keys.trialKeys);
  const rows = await db.$queryRaw<
    {
      eventName: string;
      contract: string;
      txHash: string;
      blockNumber: number;
      logIndex: number;
      blockTime: Date;
      args: unknown;
    }[]
  >`
    SELECT "eventName", "contract", "txHash", "blockNumber", "logIndex", "blockTime", "args"
    FROM "ChainEvent"
    WHERE lower("args"->>'listingId') = ANY(${listings}::text[])
       OR lower("args"->>'requestId') = ANY(${requests}::text[])
       OR lower("args"->>'trialId') = ANY(${trials}::text[])
       OR lower("args"->>'participant') = ANY(${addresses}::text[])
       OR lower("args"->>'owner') = ANY(${addresses}::text[])
       OR lower("args"->>'account') = ANY(${addresses}::text[])
       OR lower("args"->>'researcher') = ANY(${addresses}::text[])
       OR lower("args"->>'sponsor') = ANY(${addresses}::text[])
    ORDER BY "blockNumber", "logIndex"`;
  return rows.map((row) => ({ ...row, blockNumber: Number(row.blockNumber) }));
}
