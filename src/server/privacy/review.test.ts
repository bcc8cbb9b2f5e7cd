import { describe, expect, it } from "vitest";
import { collectFlaggedValues, createReviewResolver } from "./review";
import { markFlag, splitFlags, stripMarkers } from "./review-markers";

const note = (before: string, word: string, after: string) =>
  `${before}${markFlag("NAME", word)}${after}`;
const CSV = [
  "id,note",
  `p1,"${note("", "Poehn", " presented with chest pain")}"`,
  `p2,"${note("Reviewed with ", "Zyrtakova", " at the bedside")}"`,
  `p3,"${note("Stable, ", "Poehn", " to return")}"`,
].join("\n");

describe("review of flagged text", () => {
  it("gathers flagged words per column with counts and the text around them", () => {
    const [column] = collectFlaggedValues(CSV);
    expect(column).toMatchObject({ column: "note", count: 3, isTruncated: false });
    expect(column!.values[0]).toEqual({
      text: "Poehn",
      type: "NAME",
      count: 2,
      examples: [
        { before: "", after: " presented with chest pain" },
        { before: "Stable, ", after: " to return" },
      ],
    });
  });

  it("publishes kept words as written and withholds every other one", () => {
    const review = createReviewResolver(["id", "note"], {
      keepColumns: ["note"],
      keepValues: [{ column: "note", text: "Zyrtakova" }],
    });
    expect(review.resolve(["p1", note("", "Poehn", " presented")])).toEqual([
      "p1",
      "[WITHHELD] presented",
    ]);
    expect(review.resolve(["p2", note("with ", "Zyrtakova", "")])).toEqual([
      "p2",
      "with Zyrtakova",
    ]);
    expect(review.outcome).toEqual({ keptValues: 1, withheldValues: 1 });
  });

  it("keeps a word only in the column it was kept in", () => {
    const review = createReviewResolver(["a", "b"], {
      keepColumns: ["a", "b"],
      keepValues: [{ column: "a", text: "Poehn" }],
    });
    expect(review.resolve([markFlag("NAME", "Poehn"), markFlag("NAME", "Poehn")])).toEqual([
      "Poehn",
      "[WITHHELD]",
    ]);
  });

  it("never lets a marker through, even a broken one", () => {
    expect(stripMarkers("a\uE000\uE010b")).toBe("ab");
    expect(splitFlags("plain")).toEqual([{ text: "plain", type: null }]);
  });
});
