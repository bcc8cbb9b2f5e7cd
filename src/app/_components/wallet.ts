"use client";

import { BrowserProvider, type Eip1193Provider } from "ethers";
import { SiweMessage } from "siwe";

/**
 * The browser wallet (EIP-1193, window.ethereum): connect, sign a Sign-In with Ethereum
 * message, and sign EIP-712 requests that the server relays.
 */
declare global {
  // Declaration merging with the DOM's Window needs an interface.
  // eslint-disable-next-line @typescript-eslint/consistent-type-definitions
  interface Window {
    ethereum?: Eip1193Provider;
  }
}

export class NoWalletError extends Error {
  constructor() {
    super("No browser wallet was found. Install one (or use email and password) and reload.");
  }
}

async function getSigner() {
  if (!window.ethereum) throw new NoWalletError();
  const provider = new BrowserProvider(window.ethereum);
  await provider.send("eth_requestAccounts", []);
  return provider.getSigner();
}

export async function signSiweMessage(options: { nonce: string; chainId: number }) {
  const signer = await getSigner();
  const message = new SiweMessage({
    domain: window.location.host,
    address: await signer.getAddress(),
    statement: "Sign in to TrialShare.",
    uri: window.location.origin,
    version: "1",
    chainId: options.chainId,
    nonce: options.nonce,
    issuedAt: new Date().toISOString(),
    expirationTime: new Date(Date.now() + 5 * 60 * 1000).toISOString(),
  }).prepareMessage();
  return { message, signature: await signer.signMessage(message) };
}

export type TypedDataToSign = {
  domain: { name: string; version: string; chainId: number; verifyingContract: string };
  types: { ForwardRequest: readonly { name: string; type: string }[] };
  message: Record<string, unknown>;
};

export async function signTypedData(typedData: TypedDataToSign): Promise<string> {
  const signer = await getSigner();
  return signer.signTypedData(
    typedData.domain,
    { ForwardRequest: [...typedData.types.ForwardRequest] },
    typedData.message,
  );
}

export type PermitToSign = {
  domain: { name: string; version: string; chainId: number; verifyingContract: string };
  types: { Permit: readonly { name: string; type: string }[] };
  message: Record<string, unknown>;
};

/** EIP-2612: lets the marketplace take the escrow from your token balance, without a transaction. */
export async function signPermit(permit: PermitToSign): Promise<string> {
  const signer = await getSigner();
  return signer.signTypedData(permit.domain, { Permit: [...permit.types.Permit] }, permit.message);
}

export type InvitationToSign = {
  domain: { name?: string; version?: string; chainId?: number; verifyingContract?: string };
  types: { Invitation: readonly { name: string; type: string }[] };
  message: Record<string, unknown>;
};

/** A trial invitation: the sponsor vouches for one enrolment (see trials/invitations.ts). */
export async function signInvitation(invitation: InvitationToSign): Promise<string> {
  const signer = await getSigner();
  return signer.signTypedData(
    invitation.domain,
    { Invitation: [...invitation.types.Invitation] },
    invitation.message,
  );
}
