import "server-only";
import { AbiCoder, hexlify, keccak256, randomBytes } from "ethers";

/**
 * On-chain ids are derived from the acting account and a salt, exactly as the contracts do
 * (listingIdFor, requestIdFor, trialIdFor), so nobody can take an id another account is about
 * to use. Computed here so the database knows the id before the transaction is mined.
 */
const coder = AbiCoder.defaultAbiCoder();

export function newSalt(): string {
  return hexlify(randomBytes(32));
}

export function listingIdFor(owner: string, salt: string): string {
  return keccak256(coder.encode(["address", "bytes32"], [owner, salt]));
}

export function requestIdFor(researcher: string, salt: string): string {
  return keccak256(coder.encode(["address", "bytes32", "string"], [researcher, salt, "request"]));
}

export function trialIdFor(sponsor: string, salt: string): string {
  return keccak256(coder.encode(["address", "bytes32", "string"], [sponsor, salt, "trial"]));
}
