import fc from "fast-check";
import { getBytes, keccak256 } from "ethers";
import { beforeAll, describe, expect, it } from "vitest";
import { canonicalize, canonicalJson } from "./canonical";
import { keccakBytes, whenKeccakReady } from "./keccak";
import {
  buildRecordTree,
  computeDataRoot,
  hashRecord,
  StreamingDataRoot,
  verifyRecordProof,
} from "./merkle";

const records = [
  { pseudonym: "S-1", year: "2022", hba1c_pct: "6.1" },
  { pseudonym: "S-2", year: "2023", hba1c_pct: "7.4" },
  { pseudonym: "S-3", year: "2021", hba1c_pct: "5.9" },
];

beforeAll(whenKeccakReady);

describe("canonical record form", () => {
  it("writes a flat row of strings exactly as the general form does, whatever its keys", () => {
    // The fast path for rows must never change a hash: keys that are array indices, need NFC,
    // or are __proto__, values that are not strings, and rows of changing shapes in a row.
    const key = fc.oneof(
      fc.constantFrom(
        "a",
        "b",
        "10",
        "2",
        "01",
        "4294967295",
        "__proto__",
        "Farı́as",
        "é".normalize("NFD"),
      ),
      fc.string({ maxLength: 6 }),
    );
    const member = fc.oneof(
      fc.string({ maxLength: 8 }),
      fc.constantFrom("é".normalize("NFD"), '"\\\n'),
      fc.integer(),
    );
    const row = fc.dictionary(key, member, { maxKeys: 6 });
    fc.assert(
      fc.property(fc.array(row, { minLength: 1, maxLength: 6 }), (rows) => {
        for (const value of [...rows, ...rows])
          expect(canonicalJson(value)).toBe(JSON.stringify(canonicalize(value)));
      }),
      { numRuns: 400 },
    );
    const withProto = JSON.parse('{"__proto__":"x","a":"y"}') as Record<string, string>;
    expect(canonicalJson(withProto)).toBe('{"__proto__":"x","a":"y"}');
  });

  it("ignores key order and Unicode composition, and normalises -0", () => {
    expect(canonicalJson({ b: 1, a: "Farı́as" })).toBe(
      canonicalJson({ a: "Farı́as".normalize("NFD"), b: 1 }),
    );
    expect(canonicalJson({ a: -0 })).toBe('{"a":0}');
    expect(canonicalJson({ z: { y: 1, x: [2, { d: 1, c: 2 }] } })).toBe(
      '{"z":{"x":[2,{"c":2,"d":1}],"y":1}}',
    );
  });

  it("refuses values that have no stable form", () => {
    expect(() => canonicalJson({ a: Number.NaN })).toThrow(/Cannot canonicalize/);
    expect(() => canonicalJson({ a: () => 1 })).toThrow(/Cannot canonicalize/);
  });
});

describe("dataset roots", () => {
  it("changes when a record changes, is added, removed or reordered", () => {
    const root = computeDataRoot(records);
    expect(computeDataRoot(records.map((record) => ({ ...record })))).toBe(root);
    expect(
      computeDataRoot([{ ...records[0]!, hba1c_pct: "6.2" }, records[1], records[2]]),
    ).not.toBe(root);
    expect(computeDataRoot([...records, records[0]])).not.toBe(root);
    expect(computeDataRoot(records.slice(1))).not.toBe(root);
    expect(computeDataRoot([records[1], records[0], records[2]])).not.toBe(root);
  });

  it("gives each record a proof that verifies against the root and fails for another record", () => {
    const tree = buildRecordTree(records);
    for (const [index, record] of records.entries()) {
      const proof = tree.getProof(index);
      expect(verifyRecordProof(tree.root, index, record, proof)).toBe(true);
      expect(verifyRecordProof(tree.root, index, { ...record, year: "1999" }, proof)).toBe(false);
      expect(verifyRecordProof(tree.root, (index + 1) % records.length, record, proof)).toBe(false);
    }
    expect(tree.at(0)).toEqual([0, hashRecord(records[0])]);
  });

  it("refuses an empty dataset", () => {
    expect(() => computeDataRoot([])).toThrow(/at least one record/);
  });
});

describe("streaming roots", () => {
  it("hash with the same Keccak-256 as ethers, across the sponge's block size", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        expect(Buffer.from(keccakBytes(bytes)).toString("hex")).toBe(keccak256(bytes).slice(2));
      }),
      { numRuns: 300 },
    );
    const first = keccakBytes(getBytes("0x01"));
    keccakBytes(getBytes("0x02"));
    expect(Buffer.from(first).toString("hex")).toBe(keccak256("0x01").slice(2));
  });

  it("equal OpenZeppelin's root for any number of records", () => {
    for (const count of [1, 2, 3, 4, 5, 7, 8, 33, 100]) {
      const many = Array.from({ length: count }, (_, index) => ({
        index: String(index),
        value: `v${index * 7}`,
      }));
      const streaming = new StreamingDataRoot();
      for (const record of many) streaming.add(record);
      expect(streaming.root()).toBe(buildRecordTree(many).root);
      expect(computeDataRoot(many)).toBe(buildRecordTree(many).root);
    }
  });
});
