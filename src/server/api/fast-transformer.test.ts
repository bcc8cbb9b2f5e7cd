import fc from "fast-check";
import superjson from "superjson";
import { describe, expect, it, vi } from "vitest";
import { serializeFast } from "./fast-transformer";

function attempt(work: () => unknown) {
  try {
    return { value: work() };
  } catch (error) {
    return { error: String(error) };
  }
}

describe("the fast superjson writer", () => {
  it("writes what superjson writes, whatever the value", () => {
    const shared = new Date(0);
    const sharedObject = { a: 1 };
    const tricky = fc.constantFrom<unknown>(
      shared,
      sharedObject,
      new Date(Number.NaN),
      -0,
      Number.NaN,
      Number.POSITIVE_INFINITY,
      undefined,
      10n,
      new Map([["a", 1]]),
      new Set([1]),
      /x/,
      { "a.b": 1 },
      { "a\\b": new Date(1) },
      { "": 2 },
      Object.create(null) as object,
      [1, , 3], // eslint-disable-line no-sparse-arrays
      new (class Card {
        x = 1;
      })(),
    );
    const value = fc.letrec((tie) => ({
      leaf: fc.oneof(
        fc.string(),
        fc.double(),
        fc.integer(),
        fc.boolean(),
        fc.constant(null),
        fc.date({ noInvalidDate: true }),
        tricky,
      ),
      node: fc.oneof(
        { depthSize: "small" },
        tie("leaf"),
        fc.array(tie("node"), { maxLength: 4 }),
        fc.dictionary(fc.string({ maxLength: 4 }), tie("node"), { maxKeys: 4 }),
      ),
    })).node;
    fc.assert(
      fc.property(fc.oneof(value, fc.anything({ withDate: true, withMap: true })), (input) => {
        expect(attempt(() => serializeFast(input))).toEqual(
          attempt(() => superjson.serialize(input)),
        );
      }),
      {
        numRuns: 2_000,
        examples: [
          [{ a: shared, b: [shared] }],
          [[sharedObject, { c: sharedObject }]],
          [{ a: undefined, b: new Date(2) }],
          [{ a: [new Date(3), -0] }],
        ],
      },
    );
  });

  it("reads back as the same dates and values", () => {
    const page = {
      items: [{ id: "a", createdAt: new Date(5), consent: { expiresAt: new Date(6) } }],
      total: 1,
    };
    const slow = vi.spyOn(superjson, "serialize");
    const written = serializeFast(page);
    expect(slow).not.toHaveBeenCalled();
    slow.mockRestore();
    expect(written.meta?.values).toEqual({
      "items.0.createdAt": ["Date"],
      "items.0.consent.expiresAt": ["Date"],
    });
    expect(superjson.deserialize(JSON.parse(JSON.stringify(written)) as typeof written)).toEqual(
      page,
    );
  });
});
