import "server-only";
/**
 * EIP-712 shapes of trial invitations (TrialRegistry.enrollWithInvitation). The sponsor (or a
 * site it authorised) signs an Invitation for a fresh key; whoever holds the key's private half
 * (the code or link the subject receives) signs a Redemption binding one account and one
 * subject commitment. A copied transaction cannot be redeemed by another account.
 */
export const TRIAL_REGISTRY_DOMAIN_NAME = "TrialShareTrialRegistry";

export const INVITATION_TYPES = {
  Invitation: [
    { name: "trialId", type: "bytes32" },
    { name: "invitationKey", type: "address" },
    { name: "expiresAt", type: "uint40" },
  ],
};

export const REDEMPTION_TYPES = {
  Redemption: [
    { name: "trialId", type: "bytes32" },
    { name: "participant", type: "address" },
    { name: "subjectCommitment", type: "bytes32" },
  ],
};

export type TrialRegistryDomain = {
  name: string;
  version: string;
  chainId: number;
  verifyingContract: string;
};

export function trialRegistryDomain(chainId: number, registry: string): TrialRegistryDomain {
  return { name: TRIAL_REGISTRY_DOMAIN_NAME, version: "1", chainId, verifyingContract: registry };
}

export type InvitationMessage = { trialId: string; invitationKey: string; expiresAt: number };
export type RedemptionMessage = {
  trialId: string;
  participant: string;
  subjectCommitment: string;
};
