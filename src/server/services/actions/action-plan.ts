import "server-only";
import type { Chain } from "~/server/chain/client";
import type { TOutboxPayload } from "~/server/chain/outbox";
import type { DbClient, DbTransaction } from "~/server/db";
import type { Role } from "~/server/generated/prisma/enums";
import type { SessionUser } from "~/server/session";
import type { ExpectedCall } from "~/server/services/signing/signed-action";
import type { SignedPermit } from "./permit";

/**
 * A user's on-chain action, as every domain describes it: which roles may take it, and, for a
 * given input, the contract call the user signs, the domain row it belongs to, what changes in
 * the database in the same transaction as the outbox row, and any token permit it needs.
 * The plan is made twice, when preparing the request to sign and when accepting the signature,
 * so a signature is only ever accepted for the call the current state calls for.
 */
export type ActionContext = { db: DbClient; chain: Chain; user: SessionUser };

export type ActionPlan = {
  call: ExpectedCall;
  entityId: string;
  /** The account that signs: the user's wallet unless an account derived from it acts. */
  signer?: string;
  /** Tokens the contract may pull from the signer (an EIP-2612 permit if not allowed). */
  spends?: bigint;
  /** The contract that pulls them: the marketplace (escrow) unless said otherwise. */
  spender?: "DataMarketplace" | "TrialRegistry";
  /** The same call carrying a permit for exactly `spends`, used when the allowance is short. */
  withPermit?(permit: SignedPermit): ExpectedCall;
  /**
   * For a contract function with no permit variant: a short allowance is topped up by the
   * permit relayed as its own write just before the call (same lane, so it is mined first).
   */
  permitApart?: true;
  /** Domain changes in the outbox row's transaction; most actions have none (events tell). */
  apply?(tx: DbTransaction): Promise<void>;
  /** Server-side operator calls queued right after the user's (rare). */
  followUps?: TOutboxPayload[];
};

export type ActionHandler<Input> = {
  kind: string;
  roles: readonly Role[];
  plan(context: ActionContext, input: Input): Promise<ActionPlan>;
};
