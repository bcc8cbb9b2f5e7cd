import { TRPCClientError } from "@trpc/client";
import type { UseFormReturn } from "react-hook-form";
import { describe, expect, it } from "vitest";
import type { AppRouter } from "~/server/api/root";
import { applyServerErrors } from "./form";
import { ZProtocolFileSchema } from "./protocol-file";

/** Just what applyServerErrors uses of a form: its field names and setError. */
function fakeForm(values: Record<string, unknown>) {
  const set: Record<string, string | undefined> = {};
  const form = {
    getValues: () => values,
    setError: (name: string, error: { message?: string }) => (set[name] = error.message),
  } as unknown as UseFormReturn<Record<string, unknown>, unknown, unknown>;
  return { form, set };
}

function serverError(message: string, fieldErrors?: Record<string, string[]>) {
  return new TRPCClientError<AppRouter>(message, {
    result: { error: { code: -32600, message, data: { fieldErrors } } },
  } as never);
}

describe("server errors beside the fields", () => {
  it("puts each field's first message on the field and asks to check them", () => {
    const { form, set } = fakeForm({ count: 1, label: "" });
    const left = applyServerErrors(
      form,
      serverError("Invalid input", { label: ["Keep the reference under 80 characters", "x"] }),
      "fallback",
    );
    expect(set).toEqual({ label: "Keep the reference under 80 characters" });
    expect(left).toBe("Check the fields marked below.");
  });

  it("keeps the whole message when a field the form lacks is named", () => {
    const { form, set } = fakeForm({ label: "" });
    const left = applyServerErrors(
      form,
      serverError("Invalid input: trialId: too long", { trialId: ["too long"], label: ["bad"] }),
      "fallback",
    );
    expect(set).toEqual({ label: "bad" });
    expect(left).toBe("Invalid input: trialId: too long");
  });

  it("says the server's sentence for an error without fields, the fallback for a non-error", () => {
    const { form, set } = fakeForm({ label: "" });
    expect(applyServerErrors(form, serverError("No trial of yours has this id."), "x")).toBe(
      "No trial of yours has this id.",
    );
    expect(applyServerErrors(form, "thrown string", "Try again.")).toBe("Try again.");
    expect(set).toEqual({});
  });
});

describe("the protocol document a form holds", () => {
  const asFileList = (...files: File[]) => files as unknown as FileList;

  it("asks for the document when none, or an empty one, is chosen", () => {
    for (const value of [undefined, asFileList(), asFileList(new File([], "empty.pdf"))]) {
      const result = ZProtocolFileSchema.safeParse(value);
      expect(result.error?.issues.map((issue) => issue.message)).toEqual([
        "Choose the protocol document.",
      ]);
    }
  });

  it("refuses a document over 20 MB and a name the action would refuse", () => {
    const large = new File([new Uint8Array(20 * 1024 * 1024 + 1)], "protocol.pdf");
    expect(ZProtocolFileSchema.safeParse(asFileList(large)).error?.issues[0]?.message).toBe(
      "The protocol document is larger than 20 MB.",
    );
    const longName = new File(["v1"], `${"p".repeat(201)}.pdf`);
    expect(ZProtocolFileSchema.safeParse(asFileList(longName)).success).toBe(false);
  });

  it("gives the first file chosen", () => {
    const file = new File(["Protocol version 1"], "protocol-v1.txt");
    expect(ZProtocolFileSchema.parse(asFileList(file))).toBe(file);
  });
});
