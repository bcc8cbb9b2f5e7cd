import Papa from "papaparse";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getBlob } from "~/server/storage/blob-store";
import { createHarness, listingInput, type Harness } from "./harness";

let harness: Harness;

beforeAll(async () => {
  harness = await createHarness();
});

afterAll(async () => {
  await harness.close();
});

/** Notes with names no dictionary holds: the scanner flags them instead of guessing. */
const NOTES_CSV = [
  "subject_id,systolic_bp,note",
  'p1,128,"Poehn presented with chest pain; call Megan Holloway on 617-555-0188"',
  'p2,141,"Reviewed with Zyrtakova at the bedside, Gleason score 3+4=7"',
  'p3,133,"Stable, Poehn to return in two weeks"',
].join("\n");

async function storedRecords(listingId: string) {
  const listing = await harness.db.listing.findUniqueOrThrow({
    where: { id: listingId },
    select: { blobKey: true },
  });
  return (await getBlob(listing.blobKey!)).toString("utf8");
}

describe("reviewing flagged text before publishing (issue 14)", () => {
  it("shows the owner the flagged words, highlighted, and withholds the column unless kept", async () => {
    const participant = await harness.createUser("PARTICIPANT");
    const api = harness.callerFor(participant);
    const upload = await harness.upload(participant, NOTES_CSV);
    const view = await api.uploads.byId({ uploadId: upload.id });
    const note = view.flagged.find((column) => column.column === "note");
    expect(note?.values.map((value) => value.text).sort()).toEqual(["Poehn", "Zyrtakova"]);
    expect(note?.values.find((value) => value.text === "Poehn")).toMatchObject({
      type: "NAME",
      count: 2,
    });
    // Sure identifiers were redacted at upload; they are not offered for review.
    expect(JSON.stringify(view)).not.toMatch(/Megan|Holloway|617-555-0188/);
    expect(view.preview[0]!.at(-1)).toContainEqual({ text: "Poehn", type: "NAME" });
    // Nobody but the owner sees them.
    const other = harness.callerFor(await harness.createUser("PARTICIPANT"));
    await expect(other.uploads.byId({ uploadId: upload.id })).rejects.toThrow(/No upload of yours/);

    const { id } = await api.listings.createDraft(listingInput(upload.id));
    const records = await storedRecords(id);
    expect(records.split(/\r?\n/)[0]).toBe("subject_id,systolic_bp");
    expect(records).not.toMatch(/Poehn|Zyrtakova|[\uE000-\uE03F]/);
    const listing = await api.listings.byId({ listingId: id });
    const report = listing.report as { removedColumns: unknown[]; review: unknown };
    expect(report.removedColumns).toContainEqual({ column: "note", type: "WITHHELD_FOR_REVIEW" });
    expect(report.review).toEqual({ keptValues: 0, withheldValues: 0, withheldColumns: ["note"] });
  });

  it("publishes a kept column with the kept word and withholds the dropped one", async () => {
    const participant = await harness.createUser("PARTICIPANT");
    const api = harness.callerFor(participant);
    const upload = await harness.upload(participant, NOTES_CSV);
    const { id } = await api.listings.createDraft(
      listingInput(upload.id, {
        keepColumns: ["note"],
        keepValues: [{ column: "note", text: "Zyrtakova" }],
      }),
    );
    const records = Papa.parse<Record<string, string>>(await storedRecords(id), {
      header: true,
      skipEmptyLines: true,
    }).data;
    expect(records.map((record) => record.note)).toEqual([
      "[WITHHELD] presented with chest pain; call [NAME] [NAME] on [PHONE]",
      "Reviewed with Zyrtakova at the bedside, Gleason score 3+4=7",
      "Stable, [WITHHELD] to return in two weeks",
    ]);
    const listing = await api.listings.byId({ listingId: id });
    expect(listing.report).toMatchObject({
      review: { keptValues: 1, withheldValues: 2, withheldColumns: [] },
    });
    // The report anchored with the listing counts what was kept; it never quotes it.
    expect(JSON.stringify(listing.report)).not.toMatch(/Poehn|Zyrtakova/);
  });

  it("cannot un-redact a sure identifier or keep a word the scanner never flagged", async () => {
    const participant = await harness.createUser("PARTICIPANT");
    const api = harness.callerFor(participant);
    const upload = await harness.upload(participant, NOTES_CSV);
    const { id } = await api.listings.createDraft(
      listingInput(upload.id, {
        keepColumns: ["note", "subject_id"],
        keepValues: [
          { column: "note", text: "Megan" },
          { column: "note", text: "Holloway" },
          { column: "note", text: "617-555-0188" },
          { column: "subject_id", text: "p1" },
        ],
      }),
    );
    const records = await storedRecords(id);
    expect(records).not.toMatch(/Megan|Holloway|617-555-0188|Poehn|Zyrtakova|\bp1\b/);
  });
});
