import { Signature, verifyTypedData } from "ethers";
import type { Chain } from "~/server/chain/client";
import { AppError } from "~/server/errors";

/**
 * EIP-2612 permits: the signer lets the marketplace pull `value` tokens, by signature, so an
 * escrow needs no approve transaction (and no ETH). The relayer submits token.permit().
 */
export const PERMIT_TYPES = {
  Permit: [
    { name: "owner", type: "address" },
    { name: "spender", type: "address" },
    { name: "value", type: "uint256" },
    { name: "nonce", type: "uint256" },
    { name: "deadline", type: "uint256" },
  ],
} as const;

export type PermitMessage = {
  owner: string;
  spender: string;
  value: string;
  nonce: string;
  deadline: number;
};

export type PermitTypedData = {
  domain: { name: string; version: string; chainId: number; verifyingContract: string };
  types: typeof PERMIT_TYPES;
  primaryType: "Permit";
  message: PermitMessage;
};

export async function preparePermit(
  chain: Chain,
  owner: string,
  value: bigint,
  deadline: number,
  spenderContract: "DataMarketplace" | "TrialRegistry" = "DataMarketplace",
): Promise<PermitTypedData | null> {
  const token = chain.contracts.token;
  const spender = chain.deployment.contracts[spenderContract];
  const [allowance, nonce, name] = await Promise.all([
    token.allowance(owner, spender),
    token.nonces(owner),
    token.name(),
  ]);
  if (allowance >= value) return null;
  return {
    domain: {
      name,
      version: "1",
      chainId: chain.chainId,
      verifyingContract: chain.deployment.contracts.RewardToken,
    },
    types: PERMIT_TYPES,
    primaryType: "Permit",
    message: { owner, spender, value: value.toString(), nonce: nonce.toString(), deadline },
  };
}

/** The token.permit(...) call data for a signed permit, after checking who signed it. */
export function permitCall(chain: Chain, permit: PermitTypedData, signature: string): string {
  const types = { Permit: [...permit.types.Permit] };
  let signer: string;
  try {
    signer = verifyTypedData(permit.domain, types, permit.message, signature);
  } catch {
    throw new AppError(
      "BAD_INPUT",
      "The payment authorisation (permit) signature is malformed; sign again.",
    );
  }
  if (signer.toLowerCase() !== permit.message.owner.toLowerCase()) {
    throw new AppError("BAD_INPUT", "The payment authorisation is not signed by your wallet.");
  }
  const { v, r, s } = Signature.from(signature);
  const { owner, spender, value, deadline } = permit.message;
  return chain.contracts.token.interface.encodeFunctionData("permit", [
    owner,
    spender,
    value,
    deadline,
    v,
    r,
    s,
  ]);
}
