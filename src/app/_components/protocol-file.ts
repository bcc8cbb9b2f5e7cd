import { keccak256 } from "ethers";

const MAX_PROTOCOL_BYTES = 20 * 1024 * 1024;

/**
 * The protocol document chosen in a form, as what gets anchored: its name and keccak256,
 * computed in the browser (the document itself is not uploaded). A string says what is wrong.
 */
export async function protocolFromForm(
  data: FormData,
): Promise<{ protocolDocumentName: string; protocolHash: string } | string> {
  const file = data.get("protocol");
  if (!(file instanceof File) || file.size === 0) return "Choose the protocol document.";
  if (file.size > MAX_PROTOCOL_BYTES) return "The protocol document is larger than 20 MB.";
  return {
    protocolDocumentName: file.name,
    protocolHash: keccak256(new Uint8Array(await file.arrayBuffer())),
  };
}

/** A text field of a submitted form ("" when absent). */
export function field(data: FormData, name: string): string {
  const value = data.get(name);
  return typeof value === "string" ? value : "";
}
