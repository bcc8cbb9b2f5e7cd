import "server-only";
import { PGlite } from "@electric-sql/pglite";
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaPGlite } from "pglite-prisma-adapter";
import pg from "pg";
import { getEnv } from "~/env";
import { ensureEmbeddedDatabase, type EmbeddedDatabase } from "~/server/embedded/start-database";
import { PrismaClient } from "~/server/generated/prisma/client";

/**
 * One database per process, always spoken to over the PostgreSQL protocol with
 * @prisma/adapter-pg: PostgreSQL at DATABASE_URL, or else the embedded database in PGLITE_DIR,
 * served by its own process (src/server/embedded; started here if nothing serves the folder
 * yet). Only "memory://" opens PGlite inside this process, for throw-away databases in unit
 * tests. The handle also runs raw, multi-statement SQL for the migration runner.
 */
export type Database = {
  kind: "pglite" | "postgres";
  prisma: PrismaClient;
  /** Runs `work` in one transaction on a raw connection with multi-statement `exec`. */
  rawTransaction<T>(work: (sql: RawSql) => Promise<T>): Promise<T>;
  close(): Promise<void>;
};

export type RawSql = {
  exec(statements: string): Promise<void>;
  query<Row>(text: string, params?: unknown[]): Promise<Row[]>;
};

/**
 * Prisma ends an interactive transaction after 5 s by default, and waits 2 s for a connection.
 * On a busy machine, or with the embedded database (one backend that serves the connections in
 * turn), ordinary work takes longer than that: cutting it off half-way helps nobody.
 */
export const TRANSACTION_OPTIONS = { maxWait: 60_000, timeout: 120_000 } as const;

export function openDatabase(options: { databaseUrl?: string; pgliteDir?: string } = {}): Database {
  const env = getEnv();
  const databaseUrl = options.databaseUrl ?? env.DATABASE_URL;
  if (databaseUrl) return openPostgres("postgres", () => Promise.resolve(databaseUrl));
  const directory = options.pgliteDir ?? env.PGLITE_DIR;
  return directory.startsWith("memory://") ? openPglite(directory) : openEmbedded(directory);
}

/** The embedded database's server for `directory`: found or started on first use. */
function openEmbedded(directory: string): Database {
  let server: Promise<EmbeddedDatabase> | undefined;
  const connect = () => {
    server ??= ensureEmbeddedDatabase(directory);
    server.catch(() => (server = undefined));
    return server;
  };
  const database = openPostgres("pglite", async () => (await connect()).url);
  return {
    ...database,
    close: async () => {
      await database.close();
      // Stops the server only if this process started it.
      await (await server?.catch(() => undefined))?.stop();
    },
  };
}

function openPglite(directory: string): Database {
  const pglite = new PGlite(directory);
  const prisma = new PrismaClient({
    adapter: new PrismaPGlite(pglite),
    transactionOptions: TRANSACTION_OPTIONS,
  });
  return {
    kind: "pglite",
    prisma,
    rawTransaction: (work) =>
      pglite.transaction((tx) =>
        work({
          exec: async (statements) => {
            await tx.exec(statements);
          },
          query: async <Row>(text: string, params?: unknown[]) =>
            (await tx.query<Row>(text, params)).rows,
        }),
      ),
    close: async () => {
      await prisma.$disconnect();
      if (!pglite.closed) await pglite.close();
    },
  };
}

type AdapterFactory = NonNullable<
  NonNullable<ConstructorParameters<typeof PrismaClient>[0]>["adapter"]
>;

/**
 * A PrismaPg whose address is known only when the first query connects: the embedded server
 * may still have to start.
 */
function lazyAdapter(url: () => Promise<string>): AdapterFactory {
  const adapter = async () =>
    new PrismaPg(
      { connectionString: await url(), max: 10 },
      {
        // A database that goes away (restarted, or its process killed) fails the queries in
        // flight; the pool reconnects on the next one. Without a listener the process would die.
        onPoolError: (error) => console.warn(`[db] connection lost: ${error.message}`),
        onConnectionError: (error) => console.warn(`[db] connection error: ${error.message}`),
      },
    );
  return {
    provider: "postgres",
    adapterName: "@prisma/adapter-pg",
    connect: async () => (await adapter()).connect(),
  };
}

function openPostgres(kind: Database["kind"], url: () => Promise<string>): Database {
  const prisma = new PrismaClient({
    adapter: lazyAdapter(url),
    transactionOptions: TRANSACTION_OPTIONS,
  });
  return {
    kind,
    prisma,
    rawTransaction: async (work) => {
      const client = new pg.Client({ connectionString: await url() });
      await client.connect();
      try {
        await client.query("BEGIN");
        const result = await work({
          exec: async (statements) => {
            await client.query(statements);
          },
          query: async <Row>(text: string, params?: unknown[]) =>
            (await client.query(text, params)).rows as Row[],
        });
        await client.query("COMMIT");
        return result;
      } catch (error) {
        await client.query("ROLLBACK").catch(() => undefined);
        throw error;
      } finally {
        await client.end();
      }
    },
    close: () => prisma.$disconnect(),
  };
}

// Next.js dev reloads modules; the handle lives on globalThis so one PGlite serves them all.
const globalForDb = globalThis as { __trialshareDatabase?: Database };

export function getDatabase(): Database {
  globalForDb.__trialshareDatabase ??= openDatabase();
  return globalForDb.__trialshareDatabase;
}

export function getDb(): PrismaClient {
  return getDatabase().prisma;
}

/** Installs a database for this process (tests use an in-memory one). */
export function setDatabase(database: Database): void {
  globalForDb.__trialshareDatabase = database;
}

export async function closeDatabase(): Promise<void> {
  const database = globalForDb.__trialshareDatabase;
  globalForDb.__trialshareDatabase = undefined;
  await database?.close();
}

export type DbClient = PrismaClient;
export type DbTransaction = Parameters<Parameters<PrismaClient["$transaction"]>[0]>[0];
