import { keccak256 } from "ethers";
import { z } from "zod";
import { PROTOCOL_FIELDS } from "~/shared/trial-actions";

const MAX_PROTOCOL_BYTES = 20 * 1024 * 1024;

/**
 * A form's protocol file input (its FileList, as react-hook-form holds it) as the one document
 * chosen; the message says what is wrong, beside the input.
 */
export const ZProtocolFileSchema = z.custom<FileList | undefined>().transform((files, context) => {
  const file = files?.[0];
  const fail = (message: string) => {
    context.addIssue({ code: "custom", message });
    return z.NEVER;
  };
  if (!file || file.size === 0) return fail("Choose the protocol document.");
  if (file.size > MAX_PROTOCOL_BYTES) return fail("The protocol document is larger than 20 MB.");
  const name = PROTOCOL_FIELDS.protocolDocumentName.safeParse(file.name);
  if (!name.success) return fail("Give the document a shorter file name (200 characters).");
  return file;
});

/**
 * The protocol document as what gets anchored: its name and keccak256, computed in the browser
 * (the document itself is not uploaded).
 */
export async function describeProtocol(
  file: File,
): Promise<{ protocolDocumentName: string; protocolHash: string }> {
  return {
    protocolDocumentName: file.name.trim(),
    protocolHash: keccak256(new Uint8Array(await file.arrayBuffer())),
  };
}
