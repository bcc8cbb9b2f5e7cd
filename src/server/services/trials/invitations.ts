import "server-only";
import { getBytes, hexlify, verifyTypedData, Wallet } from "ethers";
import type { Chain } from "~/server/chain/client";
import {
  INVITATION_TYPES,
  REDEMPTION_TYPES,
  trialRegistryDomain,
} from "~/server/chain/invitation-typed-data";
import { openSecret, sealSecret } from "~/server/crypto";
import type { DbClient } from "~/server/db";
import { AppError } from "~/server/errors";
import type { SessionUser } from "~/server/session";
import { signTypedDataForUser } from "~/server/services/users/managed-wallet";

/**
 * Sponsors' invitations to enrol (see invitation-typed-data.ts). Each is a fresh key: its
 * address is signed by the sponsor and later spent on chain; its private half is the code (or
 * the link) the sponsor hands one subject. The key is kept sealed so the sponsor can show the
 * link again, and erased once the invitation is redeemed or revoked.
 */
const KEY_CONTEXT = "trial-invitation-key";
const DRAFT_CONTEXT = "trial-invitation-draft";

/** A code is the key's 32 bytes in base64url (43 characters); 0x-hex is accepted too. */
export function codeOf(wallet: Wallet): string {
  return Buffer.from(getBytes(wallet.privateKey)).toString("base64url");
}

function walletOfCode(code: string): Wallet {
  const trimmed = code.trim().replace(/^#/, "");
  try {
    const bytes = /^0x[0-9a-fA-F]{64}$/.test(trimmed)
      ? getBytes(trimmed)
      : Buffer.from(trimmed, "base64url");
    if (bytes.length !== 32) throw new Error("length");
    return new Wallet(hexlify(bytes));
  } catch {
    throw new AppError(
      "BAD_INPUT",
      "That is not an invitation code: paste the whole code or open the link your study team sent.",
    );
  }
}

async function sponsorTrial(db: DbClient, sponsorId: string, trialId: string) {
  const trial = await db.trial.findUnique({
    where: { id: trialId },
    select: { id: true, sponsorId: true, chainKey: true, anchorStatus: true },
  });
  if (!trial || trial.sponsorId !== sponsorId)
    throw new AppError("NOT_FOUND", "No trial of yours has this id.");
  if (trial.anchorStatus !== "CONFIRMED")
    throw new AppError(
      "CONFLICT",
      "This trial is still being registered on chain; try again shortly.",
    );
  return trial;
}

function invitationTypedData(chain: Chain, trialKey: string, key: string, expiresAt: number) {
  return {
    domain: trialRegistryDomain(chain.chainId, chain.deployment.contracts.TrialRegistry),
    types: INVITATION_TYPES,
    primaryType: "Invitation" as const,
    message: { trialId: trialKey, invitationKey: key, expiresAt },
  };
}

/**
 * Step one: fresh keys and what the sponsor signs for each. The drafts travel back sealed, so
 * nothing is stored until the sponsor has signed.
 */
export async function prepareInvitations(options: {
  db: DbClient;
  chain: Chain;
  sponsor: SessionUser;
  trialId: string;
  count: number;
  validDays: number;
}) {
  const trial = await sponsorTrial(options.db, options.sponsor.id, options.trialId);
  const expiresAt = Math.floor(Date.now() / 1000) + options.validDays * 24 * 60 * 60;
  const drafts = Array.from({ length: options.count }, () => {
    const key = Wallet.createRandom();
    return {
      token: sealSecret(
        JSON.stringify({ key: key.privateKey, expiresAt, trialId: trial.id }),
        `${DRAFT_CONTEXT}:${options.sponsor.id}`,
      ),
      typedData: invitationTypedData(options.chain, trial.chainKey, key.address, expiresAt),
    };
  });
  const sponsor = await options.db.user.findUniqueOrThrow({
    where: { id: options.sponsor.id },
    select: { walletKeyCipher: true },
  });
  return { drafts, signsInWallet: sponsor.walletKeyCipher === null };
}

/** Step two: the signed invitations are stored; returns their codes. */
export async function issueInvitations(options: {
  db: DbClient;
  chain: Chain;
  sponsor: SessionUser;
  trialId: string;
  label: string;
  drafts: { token: string; signature?: string }[];
}) {
  const { db, chain, sponsor } = options;
  const trial = await sponsorTrial(db, sponsor.id, options.trialId);
  const issued: { id: string; code: string }[] = [];
  for (const draft of options.drafts) {
    let opened: { key: string; expiresAt: number; trialId: string };
    try {
      opened = JSON.parse(
        openSecret(draft.token, `${DRAFT_CONTEXT}:${sponsor.id}`),
      ) as typeof opened;
    } catch {
      throw new AppError(
        "BAD_INPUT",
        "These invitations were not prepared for you; prepare them again.",
      );
    }
    if (opened.trialId !== trial.id)
      throw new AppError("BAD_INPUT", "These invitations were prepared for another trial.");
    const key = new Wallet(opened.key);
    const typedData = invitationTypedData(chain, trial.chainKey, key.address, opened.expiresAt);
    const signature =
      draft.signature ??
      (await signTypedDataForUser({
        db,
        userId: sponsor.id,
        signer: sponsor.walletAddress,
        domain: typedData.domain,
        types: INVITATION_TYPES,
        message: typedData.message,
      }));
    let signer = "";
    try {
      signer = verifyTypedData(typedData.domain, INVITATION_TYPES, typedData.message, signature);
    } catch {
      // reported below
    }
    if (signer.toLowerCase() !== sponsor.walletAddress.toLowerCase())
      throw new AppError("BAD_INPUT", "An invitation is not signed by your wallet; sign it again.");
    const row = await db.trialInvitation.create({
      data: {
        trialId: trial.id,
        invitationKey: key.address.toLowerCase(),
        keyCipher: sealSecret(key.privateKey, `${KEY_CONTEXT}:${key.address.toLowerCase()}`),
        issuerAddress: sponsor.walletAddress,
        issuerSignature: signature,
        expiresAt: new Date(opened.expiresAt * 1000),
        label: options.label,
      },
      select: { id: true },
    });
    issued.push({ id: row.id, code: codeOf(key) });
  }
  return { invitations: issued };
}

/** A trial's invitations for its sponsor, with the code of each one still open. */
export async function listInvitations(options: {
  db: DbClient;
  sponsorId: string;
  trialId: string;
}) {
  const trial = await options.db.trial.findUnique({
    where: { id: options.trialId },
    select: { sponsorId: true },
  });
  if (!trial || trial.sponsorId !== options.sponsorId)
    throw new AppError("NOT_FOUND", "No trial of yours has this id.");
  const rows = await options.db.trialInvitation.findMany({
    where: { trialId: options.trialId },
    orderBy: { createdAt: "desc" },
    take: 500,
    select: {
      id: true,
      invitationKey: true,
      keyCipher: true,
      expiresAt: true,
      label: true,
      status: true,
      redeemedAt: true,
      createdAt: true,
    },
  });
  const revoking = await options.db.chainOutbox.findMany({
    where: {
      kind: "trial.revokeInvitation",
      entityId: { in: rows.map((row) => row.id) },
      status: { in: ["PENDING", "SENT", "CONFIRMED"] },
    },
    select: { entityId: true },
  });
  const now = Date.now();
  return rows.map((row) => {
    const isExpired = row.status === "OPEN" && row.expiresAt.getTime() <= now;
    const isOpen = row.status === "OPEN" && !isExpired;
    return {
      id: row.id,
      invitationKey: row.invitationKey,
      label: row.label,
      status: isExpired ? ("EXPIRED" as const) : row.status,
      isRevoking: isOpen && revoking.some((entry) => entry.entityId === row.id),
      expiresAt: row.expiresAt,
      redeemedAt: row.redeemedAt,
      createdAt: row.createdAt,
      code:
        isOpen && row.keyCipher
          ? codeOf(new Wallet(openSecret(row.keyCipher, `${KEY_CONTEXT}:${row.invitationKey}`)))
          : null,
    };
  });
}

/**
 * What enrolling with `code` needs: the invitation as the sponsor signed it, and a signer for
 * the redemption that binds the enrolling account and commitment. Refuses unknown, used,
 * revoked and expired codes, and a code another participant is already redeeming.
 */
export async function redemptionFor(db: DbClient, code: string) {
  const key = walletOfCode(code);
  const invitation = await db.trialInvitation.findUnique({
    where: { invitationKey: key.address.toLowerCase() },
    select: {
      id: true,
      trialId: true,
      issuerAddress: true,
      issuerSignature: true,
      expiresAt: true,
      status: true,
    },
  });
  if (!invitation)
    throw new AppError(
      "NOT_FOUND",
      "This invitation code is not known; check it with your study team.",
    );
  if (invitation.status !== "OPEN")
    throw new AppError(
      "CONFLICT",
      `This invitation was ${invitation.status.toLowerCase()} already.`,
    );
  if (invitation.expiresAt.getTime() <= Date.now() + 60_000)
    throw new AppError(
      "CONFLICT",
      "This invitation has expired; ask your study team for a new one.",
    );
  return {
    invitationId: invitation.id,
    trialId: invitation.trialId,
    invitation: {
      issuer: invitation.issuerAddress,
      invitationKey: key.address,
      expiresAt: Math.floor(invitation.expiresAt.getTime() / 1000),
    },
    issuerSignature: invitation.issuerSignature,
    /** The invitation key's signature of Redemption(trial, participant, commitment). */
    sign(chain: Chain, trialKey: string, participant: string, subjectCommitment: string) {
      return key.signTypedData(
        trialRegistryDomain(chain.chainId, chain.deployment.contracts.TrialRegistry),
        REDEMPTION_TYPES,
        { trialId: trialKey, participant, subjectCommitment },
      );
    },
  };
}
