import { createHash } from "node:crypto";
import { cp, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, type Database } from "~/server/db";
import { applyMigrations, MIGRATIONS_DIR } from "~/server/migrate";

let database: Database;
let copy: string;

beforeAll(async () => {
  database = openDatabase({ pgliteDir: "memory://" });
  copy = await mkdtemp(path.join(tmpdir(), "migrations-"));
  await cp(MIGRATIONS_DIR, copy, { recursive: true });
});

afterAll(async () => {
  await database.close();
  await rm(copy, { recursive: true, force: true });
});

describe("migration runner", () => {
  it("applies the committed migrations once and records them as Prisma does", async () => {
    const first = await applyMigrations(database, copy);
    expect(first.applied.length).toBeGreaterThan(0);
    const rows = await database.prisma.$queryRaw<
      { migration_name: string; checksum: string; finished_at: Date | null }[]
    >`
      SELECT migration_name, checksum, finished_at FROM "_prisma_migrations" ORDER BY migration_name`;
    for (const row of rows) {
      const sql = await readFile(path.join(copy, row.migration_name, "migration.sql"));
      expect(row.checksum).toBe(createHash("sha256").update(sql).digest("hex"));
      expect(row.finished_at).not.toBeNull();
    }
    expect((await applyMigrations(database, copy)).applied).toEqual([]);
    expect(await database.prisma.user.count()).toBe(0);
  });

  it("refuses a migration edited after it was applied", async () => {
    const [name] = (await readdir(copy, { withFileTypes: true }))
      .filter((entry) => entry.isDirectory())
      .map((entry) => entry.name);
    const file = path.join(copy, name!, "migration.sql");
    const original = await readFile(file, "utf8");
    await writeFile(file, `${original}\n-- edited`);
    await expect(applyMigrations(database, copy)).rejects.toThrow(
      /was changed after it was applied/,
    );
    await writeFile(file, original);
  });

  it("rolls back a failing migration completely", async () => {
    const broken = path.join(copy, "99999999999999_broken");
    await mkdir(broken);
    await writeFile(
      path.join(broken, "migration.sql"),
      'CREATE TABLE "Partial" (id int);\nSELECT 1/0;',
    );
    await expect(applyMigrations(database, copy)).rejects.toThrow();
    const tables = await database.prisma.$queryRaw<
      { count: bigint }[]
    >`SELECT count(*) FROM pg_tables WHERE tablename = 'Partial'`;
    expect(Number(tables[0]!.count)).toBe(0);
  });
});
