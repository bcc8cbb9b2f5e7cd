import "server-only";
import type { DbTransaction } from "~/server/db";

/**
 * Makes one user's writes take turns until the transaction ends: two tabs, a double click or two
 * publications at once otherwise both pass a check (a free nonce, a free link slot, "not yet
 * registered") before either writes. PGlite runs one transaction at a time anyway; on PostgreSQL
 * this row lock is what serialises them.
 */
export async function lockUser(tx: DbTransaction, userId: string): Promise<void> {
  await tx.$queryRaw`SELECT id FROM "User" WHERE id = ${userId} FOR UPDATE`;
}
