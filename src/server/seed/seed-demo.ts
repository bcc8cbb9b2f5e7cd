import { hash } from "@node-rs/argon2";
import { keccak256, toUtf8Bytes } from "ethers";
import type { Chain } from "~/server/chain/client";
import type { DbClient } from "~/server/db";
import { createListingDraft } from "~/server/services/listings/create-listing-draft";
import {
  prepareListingSignature,
  publishListing,
} from "~/server/services/listings/publish-listing";
import { registerTrial } from "~/server/services/trials/register-trial";
import { createManagedWallet } from "~/server/services/users/managed-wallet";
import {
  DEMO_ACCOUNTS,
  DEMO_PASSWORD,
  DEMO_TRIAL_REGISTRY_ID,
  DEMO_WALLET_PARTICIPANT,
} from "./demo-accounts";

/** A small de-identified table; deterministic so that its Merkle root is the same every run. */
export function demoCsv(rows: number, seed: number): string {
  const lines = ["pseudonym,year,age_band,zip3,systolic_bp,hba1c_pct,condition_code"];
  for (let index = 0; index < rows; index += 1) {
    const n = (seed * 7919 + index * 104_729) % 1000;
    lines.push(
      [
        `S-${seed}-${index + 1}`,
        2020 + (n % 5),
        `${40 + (n % 4) * 10}-${49 + (n % 4) * 10}`,
        `0${21 + (n % 7)}`,
        110 + (n % 40),
        (5 + (n % 30) / 10).toFixed(1),
        "44054006",
      ].join(","),
    );
  }
  return lines.join("\n");
}

/**
 * Seeds one account per role, the wallet participant, trial DEMO-0001 and two published
 * listings, through the same services the pages use (so chain writes go through the outbox).
 * Does nothing when users exist already.
 */
export async function seedDemo(options: {
  db: DbClient;
  chain: Chain;
}): Promise<{ isSeeded: boolean }> {
  const { db, chain } = options;
  if ((await db.user.count()) > 0) return { isSeeded: false };
  const passwordHash = await hash(DEMO_PASSWORD);
  const users = new Map<string, string>();
  for (const account of DEMO_ACCOUNTS) {
    const user = await db.user.create({
      data: { ...account, passwordHash, ...createManagedWallet() },
      select: { id: true },
    });
    users.set(account.role, user.id);
  }
  await db.user.create({
    data: {
      role: "PARTICIPANT",
      displayName: DEMO_WALLET_PARTICIPANT.displayName,
      walletAddress: DEMO_WALLET_PARTICIPANT.address,
    },
  });

  const trial = await registerTrial({
    db,
    chain,
    sponsorId: users.get("SPONSOR")!,
    input: {
      registryId: DEMO_TRIAL_REGISTRY_ID,
      title: "Glycaemic control with once-weekly therapy in adults with type 2 diabetes",
      phase: "Phase 3",
      conditions: ["Type 2 diabetes"],
      sites: ["Boston, MA", "Sacramento, CA"],
      protocolDocumentName: "DEMO-0001-protocol-v1.pdf",
      protocolHash: keccak256(toUtf8Bytes("DEMO-0001 protocol version 1")),
    },
  });

  const participantId = users.get("PARTICIPANT")!;
  const listings = [
    { title: "HbA1c and blood pressure, 2020–2024", rows: 24, price: "25", autoApprove: true },
    { title: "Baseline vitals, trial DEMO-0001", rows: 12, price: "10", autoApprove: false },
  ];
  for (const [index, listing] of listings.entries()) {
    const draft = await createListingDraft({
      db,
      ownerId: participantId,
      input: {
        title: listing.title,
        description: "De-identified measurements from my participation in DEMO-0001.",
        conditions: ["Type 2 diabetes"],
        csv: demoCsv(listing.rows, index + 1),
        price: listing.price,
        purposes: ["ACADEMIC_RESEARCH", "PUBLIC_HEALTH"],
        consentExpiresAt: new Date(Date.now() + 365 * 24 * 60 * 60 * 1000),
        autoApprove: listing.autoApprove,
      },
    });
    await db.listing.update({ where: { id: draft.id }, data: { trialId: trial.id } });
    const { typedData } = await prepareListingSignature({
      db,
      chain,
      userId: participantId,
      listingId: draft.id,
    });
    await publishListing({
      db,
      chain,
      userId: participantId,
      listingId: draft.id,
      request: typedData.message,
    });
  }
  return { isSeeded: true };
}
