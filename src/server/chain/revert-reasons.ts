import "server-only";
import { type Interface, isError } from "ethers";
import type { Chain } from "./client";

/** True when the node answered and the call reverted; false for transport failures. */
export function isRevert(error: unknown): boolean {
  return isError(error, "CALL_EXCEPTION");
}

/** True when the node could not be reached or did not answer (as opposed to refusing). */
export function isTransportError(error: unknown): boolean {
  if (isRevert(error)) return false;
  if (isError(error, "NETWORK_ERROR") || isError(error, "TIMEOUT")) return true;
  const cause = (error as { cause?: unknown }).cause;
  const text = `${String(error)} ${cause instanceof Error ? cause.message : ""}`;
  return /ECONNREFUSED|ECONNRESET|EHOSTUNREACH|ETIMEDOUT|socket hang up|fetch failed|other side closed/i.test(
    text,
  );
}

/** The custom error of a revert, named as in the contracts, e.g. "ListingAlreadyExists(0x..)". */
export function describeRevert(chain: Chain, error: unknown): string {
  const data = (error as { data?: unknown }).data;
  if (typeof data === "string" && data.length >= 10) {
    const interfaces: Interface[] = Object.values(chain.contracts).map(
      (contract) => contract.interface,
    );
    for (const contractInterface of interfaces) {
      try {
        const parsed = contractInterface.parseError(data);
        if (parsed) return `${parsed.name}(${parsed.args.map((arg) => String(arg)).join(", ")})`;
      } catch {
        // not this contract's error; try the next one
      }
    }
  }
  const reason = (error as { reason?: unknown }).reason;
  return typeof reason === "string" ? reason : "reverted without a reason";
}
