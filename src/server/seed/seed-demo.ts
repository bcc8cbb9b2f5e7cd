import { hash } from "@node-rs/argon2";
import { keccak256, toUtf8Bytes } from "ethers";
import type { Chain } from "~/server/chain/client";
import type { DbClient } from "~/server/db";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { enqueueChainWrite } from "~/server/chain/outbox";
import { prepareAction, submitAction } from "~/server/services/actions/run-action";
import { createListingDraft } from "~/server/services/listings/create-listing-draft";
import { publishListingAction } from "~/server/services/listings/listing-actions";
import { createUpload } from "~/server/services/uploads/create-upload";
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
  const wallets = new Map<string, string>();
  for (const account of DEMO_ACCOUNTS) {
    const user = await db.user.create({
      data: { ...account, passwordHash, ...createManagedWallet() },
      select: { id: true, walletAddress: true },
    });
    users.set(account.role, user.id);
    wallets.set(account.role, user.walletAddress);
  }
  const researcherWallet = wallets.get("RESEARCHER")!;
  const participantWallet = wallets.get("PARTICIPANT")!;
  await db.user.create({
    data: {
      role: "PARTICIPANT",
      displayName: DEMO_WALLET_PARTICIPANT.displayName,
      walletAddress: DEMO_WALLET_PARTICIPANT.address,
    },
  });

  await registerTrial({
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

  // Reward tokens for the researcher to pay escrow with (local token only).
  await db.$transaction((tx) =>
    enqueueChainWrite(tx, {
      kind: "token.mint",
      entityId: users.get("RESEARCHER")!,
      idempotencyKey: `seed:mint:${users.get("RESEARCHER")!}`,
      signer: chain.relayer.address,
      payload: {
        type: "operator",
        contract: "RewardToken",
        data: chain.contracts.token.interface.encodeFunctionData("mint", [
          researcherWallet,
          10_000n * 10n ** 18n,
        ]),
      },
    }),
  );

  const participant = {
    id: users.get("PARTICIPANT")!,
    role: "PARTICIPANT" as const,
    walletAddress: participantWallet,
    displayName: "Dana (participant)",
  };
  const listings = [
    { title: "HbA1c and blood pressure, 2020–2024", rows: 24, price: "25", autoApprove: true },
    { title: "Baseline vitals, trial DEMO-0001", rows: 12, price: "10", autoApprove: false },
  ];
  const work = await mkdtemp(path.join(tmpdir(), "trialshare-seed-"));
  try {
    for (const [index, listing] of listings.entries()) {
      const file = path.join(work, `demo-${index}.csv`);
      await writeFile(file, demoCsv(listing.rows, index + 1));
      const upload = await createUpload({
        db,
        ownerId: participant.id,
        fileName: `my-measurements-${index + 1}.csv`,
        filePath: file,
      });
      const draft = await createListingDraft({
        db,
        ownerId: participant.id,
        input: {
          uploadId: upload.id,
          dropColumns: [],
          title: listing.title,
          description: "De-identified measurements from my participation in DEMO-0001.",
          conditions: ["Type 2 diabetes"],
          price: listing.price,
          purposes: ["ACADEMIC_RESEARCH", "PUBLIC_HEALTH"],
          consentExpiresAt: new Date(Date.now() + 365 * 24 * 60 * 60 * 1000),
          autoApprove: listing.autoApprove,
        },
      });
      const context = { db, chain, user: participant };
      const prepared = await prepareAction(publishListingAction, context, { listingId: draft.id });
      await submitAction(
        publishListingAction,
        context,
        { listingId: draft.id },
        { request: prepared.typedData.message },
      );
    }
  } finally {
    await rm(work, { recursive: true, force: true });
  }
  return { isSeeded: true };
}
