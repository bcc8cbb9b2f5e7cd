import { mkdirSync } from "node:fs";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaPGlite } from "pglite-prisma-adapter";
import pg from "pg";
import { getEnv } from "~/env";
import { PrismaClient } from "~/server/generated/prisma/client";

/**
 * One database per process: embedded PGlite in PGLITE_DIR when DATABASE_URL is unset,
 * PostgreSQL through @prisma/adapter-pg when it is set. The handle also runs raw,
 * multi-statement SQL for the migration runner, which Prisma's client cannot.
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

export function openDatabase(options: { databaseUrl?: string; pgliteDir?: string } = {}): Database {
  const env = getEnv();
  const databaseUrl = options.databaseUrl ?? env.DATABASE_URL;
  return databaseUrl ? openPostgres(databaseUrl) : openPglite(options.pgliteDir ?? env.PGLITE_DIR);
}

function openPglite(directory: string): Database {
  const isMemory = directory.startsWith("memory://");
  if (!isMemory) mkdirSync(path.resolve(directory), { recursive: true });
  const pglite = new PGlite(isMemory ? directory : path.resolve(directory));
  const prisma = new PrismaClient({ adapter: new PrismaPGlite(pglite) });
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

function openPostgres(connectionString: string): Database {
  const prisma = new PrismaClient({ adapter: new PrismaPg({ connectionString }) });
  return {
    kind: "postgres",
    prisma,
    rawTransaction: async (work) => {
      const client = new pg.Client({ connectionString });
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
