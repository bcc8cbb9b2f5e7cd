import "server-only";
import { verifyTypedData } from "ethers";

/**
 * EIP-712 shapes of OpenZeppelin's ERC2771Forwarder. The user signs a `ForwardRequest`
 * (with the forwarder's current nonce for them); the relayer submits `ForwardRequestData`
 * (the same fields without the nonce, plus the signature).
 */
export const FORWARDER_NAME = "TrialShareForwarder";

export const FORWARD_REQUEST_TYPES = {
  ForwardRequest: [
    { name: "from", type: "address" },
    { name: "to", type: "address" },
    { name: "value", type: "uint256" },
    { name: "gas", type: "uint256" },
    { name: "nonce", type: "uint256" },
    { name: "deadline", type: "uint48" },
    { name: "data", type: "bytes" },
  ],
} as const;

/** Decimal strings instead of bigints so the message crosses JSON and tRPC unchanged. */
export type ForwardRequestMessage = {
  from: string;
  to: string;
  value: string;
  gas: string;
  nonce: string;
  deadline: number;
  data: string;
};

export type ForwardRequestData = Omit<ForwardRequestMessage, "nonce"> & { signature: string };

export type ForwarderDomain = {
  name: string;
  version: string;
  chainId: number;
  verifyingContract: string;
};

export function forwarderDomain(chainId: number, forwarder: string): ForwarderDomain {
  return { name: FORWARDER_NAME, version: "1", chainId, verifyingContract: forwarder };
}

/** The typed data a wallet signs, in the shape of `eth_signTypedData_v4` minus EIP712Domain. */
export type ForwardTypedData = {
  domain: ForwarderDomain;
  types: typeof FORWARD_REQUEST_TYPES;
  primaryType: "ForwardRequest";
  message: ForwardRequestMessage;
};

export function buildForwardTypedData(
  chainId: number,
  forwarder: string,
  message: ForwardRequestMessage,
): ForwardTypedData {
  return {
    domain: forwarderDomain(chainId, forwarder),
    types: FORWARD_REQUEST_TYPES,
    primaryType: "ForwardRequest",
    message,
  };
}

export function recoverForwardSigner(
  typedData: ForwardTypedData,
  signature: string,
): string | null {
  try {
    const types = { ForwardRequest: [...typedData.types.ForwardRequest] };
    return verifyTypedData(typedData.domain, types, typedData.message, signature).toLowerCase();
  } catch {
    return null;
  }
}

export function toRequestData(
  message: ForwardRequestMessage,
  signature: string,
): ForwardRequestData {
  const { nonce: _nonce, ...rest } = message;
  return { ...rest, signature };
}
