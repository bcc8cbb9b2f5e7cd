import { keccak256 } from "ethers";

/** The keccak256 of a chosen document, computed in the browser: only the hash is anchored. */
export async function hashDocument(file: File): Promise<string> {
  return keccak256(new Uint8Array(await file.arrayBuffer()));
}

export const MAX_PROTOCOL_BYTES = 20 * 1024 * 1024;

/** A text field of a submitted form ("" when absent). */
export function field(data: FormData, name: string): string {
  const value = data.get(name);
  return typeof value === "string" ? value : "";
}
