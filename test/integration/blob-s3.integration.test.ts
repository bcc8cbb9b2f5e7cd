import { readdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import {
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from "@aws-sdk/client-s3";
import { parseUnits } from "ethers";
import Papa from "papaparse";
import S3rver from "s3rver";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GET as extractFileRoute } from "~/app/api/extracts/[id]/[file]/route";
import { getBlob } from "~/server/storage/blob-store";
import { sessionCookie } from "../support/session-cookie";
import { freePort } from "../../scripts/free-port";
import { createHarness, listingInput, type Harness } from "./harness";

/**
 * BLOB_STORE=s3 against a real S3 API (s3rver, on this machine's disk, started here): what
 * two app servers would share. An upload, a listing and a pooled extract go through the
 * bucket, which holds only ciphertext; someone who can write to the bucket but has no master
 * key can neither alter a file unnoticed nor swap two files.
 */
const BUCKET = "trialshare-blobs";
const PREFIX = "site-a/";
let harness: Harness;
let server: S3rver;
let work: string;
let s3: S3Client;

beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), "blob-s3-"));
  const port = await freePort();
  server = new S3rver({
    port,
    address: "127.0.0.1",
    directory: path.join(work, "s3"),
    silent: true,
    configureBuckets: [{ name: BUCKET }],
  });
  await server.run();
  const endpoint = `http://127.0.0.1:${port}`;
  // s3rver's fixed credentials.
  Object.assign(process.env, {
    BLOB_STORE: "s3",
    S3_BUCKET: BUCKET,
    S3_ENDPOINT: endpoint,
    S3_ACCESS_KEY_ID: "S3RVER",
    S3_SECRET_ACCESS_KEY: "S3RVER",
    S3_PREFIX: PREFIX,
  });
  s3 = new S3Client({
    region: "us-east-1",
    endpoint,
    forcePathStyle: true,
    credentials: { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" },
  });
  harness = await createHarness();
});

afterAll(async () => {
  await harness.close();
  s3.destroy();
  await server.close();
  await rm(work, { recursive: true, force: true });
});

async function objectNames(): Promise<string[]> {
  const page = await s3.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: PREFIX }));
  return (page.Contents ?? []).map((object) => object.Key!.slice(PREFIX.length));
}

async function readObject(name: string): Promise<Buffer> {
  const object = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: PREFIX + name }));
  return Buffer.from(await object.Body!.transformToByteArray());
}

const writeObject = (name: string, body: Uint8Array) =>
  s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: PREFIX + name, Body: body }));

describe("blobs in an S3-compatible bucket", () => {
  it("stores an upload, a listing and an extract in the bucket as ciphertext, and serves them", async () => {
    const localBlobs = await readdir(process.env.BLOB_DIR!).catch(() => []);
    const participants = [
      await harness.createUser("PARTICIPANT"),
      await harness.createUser("PARTICIPANT"),
    ];
    const listingIds: string[] = [];
    for (const [index, participant] of participants.entries()) {
      const csv = [
        "pseudonym,name,age,zip,gender,systolic_bp",
        ...Array.from(
          { length: 10 },
          (_, row) =>
            `P${row},Blaine${row} Hickle,${40 + (row % 3)},021${row % 2},${row % 2 ? "F" : "M"},${130 + row + index}`,
        ),
      ].join("\n");
      const upload = await harness.upload(participant, csv);
      const { id } = await harness
        .callerFor(participant)
        .listings.createDraft(listingInput(upload.id, { price: "2" }));
      await harness.act(participant, { type: "listing.publish", listingId: id });
      listingIds.push(id);
    }
    await harness.settle();
    const researcher = await harness.createUser("RESEARCHER");
    await harness.mintTokens(researcher.walletAddress, parseUnits("20", 18));
    const { id: requestId } = await harness.callerFor(researcher).requests.createDraft({
      listingIds,
      purpose: "ACADEMIC_RESEARCH",
      planText: "Blood pressure across two listings, from a bucket.",
      accessDays: 30,
    });
    await harness.act(researcher, { type: "request.create", requestId });
    await harness.settle();
    const extract = await harness.callerFor(researcher).extracts.create({ requestId, k: 5 });
    await harness.settle();

    const names = await objectNames();
    const listings = await harness.db.listing.findMany({
      where: { id: { in: listingIds } },
      select: { blobKey: true },
    });
    for (const { blobKey } of listings)
      expect(names).toEqual(expect.arrayContaining([`${blobKey}.bin`, `${blobKey}.key`]));
    // Ciphertext only: no value of the files is readable in the bucket.
    for (const name of names) {
      const bytes = await readObject(name);
      expect(bytes.includes(Buffer.from("Hickle")), name).toBe(false);
      expect(bytes.includes(Buffer.from("pseudonym")), name).toBe(false);
    }
    // Nothing went to the local folder.
    expect(await readdir(process.env.BLOB_DIR!).catch(() => [])).toEqual(localBlobs);

    const response = await extractFileRoute(
      new Request(`http://localhost/api/extracts/${extract.id}/csv`, {
        headers: { cookie: await sessionCookie(researcher) },
      }),
      { params: Promise.resolve({ id: extract.id, file: "csv" }) },
    );
    expect(response.status).toBe(200);
    const rows = Papa.parse(await response.text(), { header: true, skipEmptyLines: true }).data;
    expect(rows).toHaveLength(extract.report.recordsOut);
  });

  it("notices a file altered in the bucket, and two files swapped there", async () => {
    const listings = await harness.db.listing.findMany({
      where: { blobKey: { not: null } },
      select: { blobKey: true },
      take: 2,
    });
    const [first, second] = listings.map((listing) => listing.blobKey!);
    const original = await readObject(`${first}.bin`);
    expect((await getBlob(first!)).length).toBeGreaterThan(0);
    try {
      const altered = Buffer.from(original);
      altered[altered.length - 1]! ^= 0x01;
      await writeObject(`${first}.bin`, altered);
      await expect(getBlob(first!)).rejects.toThrow(/authenticate/);
      // A valid ciphertext of another file under this name: its key and its name do not fit.
      await writeObject(`${first}.bin`, await readObject(`${second}.bin`));
      await expect(getBlob(first!)).rejects.toThrow(/authenticate/);
    } finally {
      await writeObject(`${first}.bin`, original);
    }
    expect((await getBlob(first!)).length).toBeGreaterThan(0);
  });
});
