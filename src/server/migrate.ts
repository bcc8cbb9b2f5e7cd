import "server-only";
import { createHash, randomUUID } from "node:crypto";
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import type { Database } from "~/server/db";

/**
 * Applies prisma/migrations/<name>/migration.sql in name order, each in its own transaction,
 * and records it in `_prisma_migrations` the way Prisma does (checksum = sha256 hex of the
 * file), so `prisma migrate status` on a machine with the schema engine agrees with us.
 * Prisma 7's own `migrate deploy` needs a schema-engine binary that cannot be fetched here.
 */
const MIGRATIONS_TABLE = `
CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
  "id"                  VARCHAR(36) PRIMARY KEY NOT NULL,
  "checksum"            VARCHAR(64) NOT NULL,
  "finished_at"         TIMESTAMPTZ,
  "migration_name"      VARCHAR(255) NOT NULL,
  "logs"                TEXT,
  "rolled_back_at"      TIMESTAMPTZ,
  "started_at"          TIMESTAMPTZ NOT NULL DEFAULT now(),
  "applied_steps_count" INTEGER NOT NULL DEFAULT 0
);`;

// The advisory lock key Prisma's own migrate takes, so ours and theirs exclude each other.
const MIGRATION_LOCK = 72_707_369;

// From the working directory: bundled server code has no reliable import.meta.dirname.
export const MIGRATIONS_DIR = path.resolve(process.cwd(), "prisma/migrations");

type Migration = { name: string; sql: string; checksum: string };

async function readMigrations(directory: string): Promise<Migration[]> {
  const entries = await readdir(directory, { withFileTypes: true });
  const names = entries
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
  return Promise.all(
    names.map(async (name) => {
      const sql = await readFile(path.join(directory, name, "migration.sql"), "utf8");
      return { name, sql, checksum: createHash("sha256").update(sql).digest("hex") };
    }),
  );
}

export async function applyMigrations(
  database: Database,
  directory: string = MIGRATIONS_DIR,
): Promise<{ applied: string[] }> {
  const migrations = await readMigrations(directory);
  const applied: string[] = [];
  await database.rawTransaction((sql) => sql.exec(MIGRATIONS_TABLE));
  for (const migration of migrations) {
    const didApply = await database.rawTransaction(async (sql) => {
      if (database.kind === "postgres") {
        await sql.query("SELECT pg_advisory_xact_lock($1)", [MIGRATION_LOCK]);
      }
      const done = await sql.query<{ checksum: string }>(
        `SELECT checksum FROM "_prisma_migrations" WHERE migration_name = $1 AND finished_at IS NOT NULL AND rolled_back_at IS NULL`,
        [migration.name],
      );
      if (done[0]) {
        if (done[0].checksum !== migration.checksum) {
          throw new Error(
            `Migration ${migration.name} was changed after it was applied; add a new migration instead.`,
          );
        }
        return false;
      }
      // Prisma writes BEGIN/COMMIT into some migrations (enum changes); inside our transaction
      // they would commit early, so they are dropped. The checksum stays that of the file.
      await sql.exec(migration.sql.replace(/^[ \t]*(BEGIN|COMMIT)[ \t]*;[ \t]*$/gim, ""));
      await sql.query(
        `INSERT INTO "_prisma_migrations" (id, checksum, finished_at, migration_name, started_at, applied_steps_count)
         VALUES ($1, $2, now(), $3, now(), 1)`,
        [randomUUID(), migration.checksum, migration.name],
      );
      return true;
    });
    if (didApply) applied.push(migration.name);
  }
  return { applied };
}
