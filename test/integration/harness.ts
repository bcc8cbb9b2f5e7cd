import { createHash, randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { type BaseWallet, Wallet } from "ethers";
import pg from "pg";
import { inject } from "vitest";
import { getEnv, resetEnvCache } from "~/env";
import { createCaller } from "~/server/api/root";
import { createTRPCContext } from "~/server/api/trpc";
import { connectChain, createProvider, setChain, type Chain } from "~/server/chain/client";
import { deployContracts } from "~/server/chain/deploy";
import { readDeployment } from "~/server/chain/deployments";
import { createDomainChainDrain } from "~/server/chain-domain";
import { openDatabase, setDatabase, type Database } from "~/server/db";
import { startEmbeddedDatabase } from "~/server/embedded/start-database";
import { applyMigrations } from "~/server/migrate";
import { enqueueTokenMint } from "~/server/chain/mint";
import type { TAction } from "~/server/services/actions/registry";
import { issueInvitations, prepareInvitations } from "~/server/services/trials/invitations";
import { createUpload } from "~/server/services/uploads/create-upload";
import { registerUser } from "~/server/services/users/register-user";
import type { SessionUser } from "~/server/session";

/**
 * A real stack for one test file: a fresh embedded database served by its own process (or a
 * PostgreSQL database of its own in the PostgreSQL pass),
 * migrated by the project's runner, the shared local chain, and the real outbox worker and
 * indexer, driven by `settle()` instead of timers so tests are deterministic.
 */
export type Harness = Awaited<ReturnType<typeof createHarness>>;

/**
 * On PostgreSQL each test file gets a database of its own, as it gets its own embedded one
 * otherwise. A file that reopens its database (the same `pgliteDir`) gets the same one back.
 */
async function databaseForFile(adminUrl: string, reopenKey?: string): Promise<string> {
  const name = reopenKey
    ? `t_${createHash("sha256").update(reopenKey).digest("hex").slice(0, 20)}`
    : `t_${randomBytes(10).toString("hex")}`;
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const exists = await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [name]);
    if (exists.rowCount === 0) await client.query(`CREATE DATABASE "${name}"`);
  } finally {
    await client.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/** Where the chain, contracts and blobs are, and the PostgreSQL pass's server ("" for PGlite). */
export type HarnessStack = {
  chainRpcUrl: string;
  deploymentsDir: string;
  blobDir: string;
  postgresUrl: string;
};

/**
 * The embedded database as the app runs it: a server process of its own on a data folder (a
 * fresh one per file, started from the migrated copy the global setup made, which skips
 * initdb). Other processes a test starts (the verify CLI, worker processes) find it through
 * PGLITE_DIR, as they would find the running app's.
 */
async function embeddedDatabaseForFile(pgliteDir?: string, underVitest = true) {
  const work = pgliteDir ? null : await mkdtemp(path.join(tmpdir(), "harness-db-"));
  const dataDir = pgliteDir ?? path.join(work!, "pglite");
  const fromDump =
    existsSync(dataDir) || !underVitest ? undefined : inject("databaseTemplate") || undefined;
  const server = await startEmbeddedDatabase({ dataDir, fromDump });
  return {
    dataDir,
    stop: async () => {
      await server.stop();
      if (work) await rm(work, { recursive: true, force: true });
    },
  };
}

export async function createHarness(
  options: {
    pgliteDir?: string;
    deploymentsDir?: string;
    rpcUrl?: string;
    stack?: HarnessStack;
  } = {},
) {
  // Under vitest the project's global setup says where everything is; a benchmark, which runs
  // without vitest, passes its own `stack`. The env the app reads is set from that.
  const stack = options.stack ?? {
    chainRpcUrl: inject("chainRpcUrl"),
    deploymentsDir: inject("deploymentsDir"),
    blobDir: inject("blobDir"),
    postgresUrl: inject("postgresUrl"),
  };
  Object.assign(process.env, {
    CHAIN_RPC_URL: stack.chainRpcUrl,
    DEPLOYMENTS_DIR: stack.deploymentsDir,
    BLOB_DIR: stack.blobDir,
  });
  const { postgresUrl } = stack;
  let embedded: Awaited<ReturnType<typeof embeddedDatabaseForFile>> | undefined;
  if (postgresUrl) {
    process.env.DATABASE_URL = await databaseForFile(postgresUrl, options.pgliteDir);
  } else {
    embedded = await embeddedDatabaseForFile(options.pgliteDir, !options.stack);
    process.env.PGLITE_DIR = embedded.dataDir;
    delete process.env.DATABASE_URL;
  }
  resetEnvCache();
  const database: Database = openDatabase();
  await applyMigrations(database);
  setDatabase(database);
  // Every file shares one node. A file that reads the contracts' whole history (the audit)
  // passes `deploymentsDir` to get contracts of its own there (kept across reopenings).
  const { deploymentsDir } = options;
  if (deploymentsDir) {
    const provider = createProvider(getEnv().CHAIN_RPC_URL);
    const { chainId } = await provider.getNetwork();
    if (!(await readDeployment(Number(chainId), deploymentsDir)))
      await deployContracts(new Wallet(getEnv().RELAYER_PRIVATE_KEY, provider), deploymentsDir);
    provider.destroy();
  }
  // `rpcUrl`: the app's view of the node (through a proxy in the fault tests).
  const chain: Chain = await connectChain({ deploymentsDir, rpcUrl: options.rpcUrl });
  setChain(chain);
  const db = database.prisma;
  const { drain, release, outbox, indexer } = createDomainChainDrain({ db, chain });

  /** Runs the outbox, the indexer and the settlement job until none has anything left to do. */
  const settle = () => drain();

  /** De-identifies a CSV for `user` through the upload service, as POST /api/uploads does. */
  async function upload(user: SessionUser, csv: string | Buffer, fileName = "data.csv") {
    const folder = await mkdtemp(path.join(tmpdir(), "harness-upload-"));
    try {
      const file = path.join(folder, fileName);
      await writeFile(file, csv);
      return await createUpload({ db, ownerId: user.id, fileName, filePath: file });
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  }

  /**
   * Prepares, signs (with `wallet`, or on the server for managed wallets) and submits. A wallet
   * whose call must carry a token permit signs the permit first and prepares again.
   */
  async function act(user: SessionUser, action: TAction, wallet?: BaseWallet) {
    const api = callerFor(user);
    let prepared = await api.actions.prepare({ action });
    let permitSignature: string | undefined;
    if (!prepared.typedData && prepared.permit && wallet) {
      permitSignature = await wallet.signTypedData(
        prepared.permit.domain,
        { Permit: [...prepared.permit.types.Permit] },
        prepared.permit.message,
      );
      prepared = await api.actions.prepare({
        action,
        permit: { message: prepared.permit.message, signature: permitSignature },
      });
    }
    const typedData = prepared.typedData;
    if (!typedData) throw new Error(`${action.type} could not be prepared`);
    const signature = wallet
      ? await wallet.signTypedData(
          typedData.domain,
          { ForwardRequest: [...typedData.types.ForwardRequest] },
          typedData.message,
        )
      : undefined;
    return api.actions.submit({
      action,
      request: typedData.message,
      signature,
      permit: prepared.permit ?? undefined,
      permitSignature,
    });
  }

  /**
   * An invitation code to `trialId`, issued by its sponsor: signed by `sponsorWallet` for a
   * sponsor with a browser wallet, by the server otherwise.
   */
  async function invite(trialId: string, sponsorWallet?: BaseWallet): Promise<string> {
    const { sponsor } = await db.trial.findUniqueOrThrow({
      where: { id: trialId },
      select: {
        sponsor: { select: { id: true, role: true, walletAddress: true, displayName: true } },
      },
    });
    const { drafts } = await prepareInvitations({
      db,
      chain,
      sponsor,
      trialId,
      count: 1,
      validDays: 30,
    });
    const { invitations } = await issueInvitations({
      db,
      chain,
      sponsor,
      trialId,
      label: "",
      drafts: await Promise.all(
        drafts.map(async (draft) => ({
          token: draft.token,
          signature: sponsorWallet
            ? await sponsorWallet.signTypedData(
                draft.typedData.domain,
                { Invitation: [...draft.typedData.types.Invitation] },
                draft.typedData.message,
              )
            : undefined,
        })),
      ),
    });
    return invitations[0]!.code;
  }

  /** Enrols `user` in `trialId` with a fresh invitation from its sponsor, on chain. */
  async function enroll(
    user: SessionUser,
    trialId: string,
    options: { wallet?: BaseWallet; sponsorWallet?: BaseWallet } = {},
  ) {
    const code = await invite(trialId, options.sponsorWallet);
    await act(user, { type: "enrollment.enroll", code }, options.wallet);
    await settle();
  }

  /** Mints reward tokens to an account through the outbox (the local token's owner is the relayer). */
  async function mintTokens(wallet: string, amount: bigint) {
    await db.$transaction((tx) =>
      enqueueTokenMint(tx, chain, {
        to: wallet,
        amount,
        idempotencyKey: `test-mint:${wallet}:${Date.now()}:${Math.random()}`,
      }),
    );
    await settle();
  }

  let counter = 0;
  async function createUser(role: "PARTICIPANT" | "RESEARCHER"): Promise<SessionUser> {
    counter += 1;
    return registerUser({
      db,
      input: {
        email: `${role.toLowerCase()}-${counter}-${Date.now()}@test.local`,
        password: "correct horse battery",
        displayName: `${role} ${counter}`,
        role,
      },
    });
  }

  /** A user who signs in with their own wallet (no server-held key). */
  async function createWalletUser(role: SessionUser["role"]) {
    const wallet = Wallet.createRandom();
    const user = await db.user.create({
      data: { role, displayName: `wallet ${role}`, walletAddress: wallet.address.toLowerCase() },
      select: { id: true, role: true, walletAddress: true, displayName: true },
    });
    return { user, wallet };
  }

  function callerFor(user: SessionUser | null) {
    return createCaller(createTRPCContext({ session: user ? { user } : null }));
  }

  async function close(): Promise<void> {
    await release();
    setChain(undefined);
    chain.provider.destroy();
    await database.close();
    await embedded?.stop();
  }

  return {
    db,
    chain,
    database,
    settle,
    createUser,
    createWalletUser,
    callerFor,
    close,
    outbox,
    indexer,
    upload,
    act,
    invite,
    enroll,
    mintTokens,
  };
}

export const SMALL_CSV = "pseudonym,year,hba1c_pct\nS-1,2022,6.1\nS-2,2023,7.4\nS-3,2021,5.9";

export function listingInput(uploadId: string, overrides: Record<string, unknown> = {}) {
  return {
    uploadId,
    dropColumns: [] as string[],
    title: "HbA1c 2021-2023",
    description: "three readings",
    conditions: ["Type 2 diabetes"],
    price: "12.5",
    purposes: ["ACADEMIC_RESEARCH" as const],
    consentExpiresAt: new Date(Date.now() + 365 * 24 * 3600 * 1000),
    autoApprove: true,
    ...overrides,
  };
}
