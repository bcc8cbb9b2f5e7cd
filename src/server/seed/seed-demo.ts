import "server-only";
import { hash } from "@node-rs/argon2";
import { keccak256, toUtf8Bytes } from "ethers";
import type { Chain } from "~/server/chain/client";
import type { DbClient } from "~/server/db";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { createDomainChainDrain } from "~/server/chain-domain";
import { enqueueTokenMint } from "~/server/chain/mint";
import { handlerFor, type TAction } from "~/server/services/actions/registry";
import { prepareAction, submitAction } from "~/server/services/actions/run-action";
import { createExtract } from "~/server/services/extracts/create-extract";
import { createRequestDraft } from "~/server/services/requests/create-request-draft";
import type { SessionUser } from "~/server/session";
import { createListingDraft } from "~/server/services/listings/create-listing-draft";
import { createUpload } from "~/server/services/uploads/create-upload";
import { issueInvitations, prepareInvitations } from "~/server/services/trials/invitations";
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
 * Seeds one account per role, the wallet participant, and trial DEMO-0001 with a life: the
 * sponsor's invitation, the demo participant enrolled with it, two listings of theirs linked to
 * it, the demo researcher's request (one item approved automatically, one waiting for the
 * participant), an extract delivered (a data use on chain) and the delivered item settled.
 * Everything goes through the same services and the outbox as the pages; each step is drained
 * to the chain before the next needs it. Does nothing when users exist already.
 */
export async function seedDemo(options: {
  db: DbClient;
  chain: Chain;
}): Promise<{ isSeeded: boolean }> {
  const { db, chain } = options;
  if ((await db.user.count()) > 0) return { isSeeded: false };
  const { drain, release } = createDomainChainDrain({ db, chain });
  try {
    const passwordHash = await hash(DEMO_PASSWORD);
    const users = new Map<string, SessionUser>();
    for (const account of DEMO_ACCOUNTS) {
      const user = await db.user.create({
        data: { ...account, passwordHash, ...createManagedWallet() },
        select: { id: true, role: true, walletAddress: true, displayName: true },
      });
      users.set(account.role, user);
    }
    await db.user.create({
      data: {
        role: "PARTICIPANT",
        displayName: DEMO_WALLET_PARTICIPANT.displayName,
        walletAddress: DEMO_WALLET_PARTICIPANT.address,
      },
    });
    const participant = users.get("PARTICIPANT")!;
    const researcher = users.get("RESEARCHER")!;

    const trial = await registerTrial({
      db,
      chain,
      sponsorId: users.get("SPONSOR")!.id,
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
    // Reward tokens for the researcher's escrow and the sponsor's reward pool (local token only).
    const sponsor = users.get("SPONSOR")!;
    await db.$transaction(async (tx) => {
      for (const holder of [researcher, sponsor])
        await enqueueTokenMint(tx, chain, {
          to: holder.walletAddress,
          amount: 10_000n * 10n ** 18n,
          idempotencyKey: `seed:mint:${holder.id}`,
          entityId: holder.id,
        });
    });
    await drain();

    const act = async (user: SessionUser, action: TAction) => {
      const { handler, input } = handlerFor(action);
      const context = { db, chain, user };
      const prepared = await prepareAction(handler, context, input);
      if (!prepared.typedData) throw new Error(`seed: ${action.type} could not be prepared`);
      await submitAction(handler, context, input, { request: prepared.typedData.message });
    };
    await act(sponsor, {
      type: "trial.fundRewards",
      trialId: trial.id,
      amount: "1000",
      perEnrollment: "50",
    });
    await drain();
    // The sponsor issues an invitation; Dana enrols with it.
    const drafts = await prepareInvitations({
      db,
      chain,
      sponsor,
      trialId: trial.id,
      count: 1,
      validDays: 30,
    });
    const {
      invitations: [invitation],
    } = await issueInvitations({
      db,
      chain,
      sponsor,
      trialId: trial.id,
      label: "Boston site, visit 1",
      drafts: drafts.drafts.map((draft) => ({ token: draft.token })),
    });
    await act(participant, { type: "enrollment.enroll", code: invitation!.code });
    await drain();

    const listings = [
      { title: "HbA1c and blood pressure, 2020–2024", rows: 24, price: "25", autoApprove: true },
      { title: "Baseline vitals, trial DEMO-0001", rows: 12, price: "10", autoApprove: false },
    ];
    const listingIds: string[] = [];
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
            trialId: trial.id,
            title: listing.title,
            description: "De-identified measurements from my participation in DEMO-0001.",
            conditions: ["Type 2 diabetes"],
            price: listing.price,
            purposes: ["ACADEMIC_RESEARCH", "PUBLIC_HEALTH"],
            consentExpiresAt: new Date(Date.now() + 365 * 24 * 60 * 60 * 1000),
            autoApprove: listing.autoApprove,
          },
        });
        await act(participant, { type: "listing.publish", listingId: draft.id });
        listingIds.push(draft.id);
      }
    } finally {
      await rm(work, { recursive: true, force: true });
    }
    await drain();

    // A request for both listings: the first approves itself, the second waits for Dana.
    const request = await createRequestDraft({
      db,
      researcherId: researcher.id,
      input: {
        listingIds,
        purpose: "ACADEMIC_RESEARCH",
        planText:
          "HbA1c trajectories under once-weekly therapy, pooled across DEMO-0001 participants.",
        accessDays: 90,
      },
    });
    await act(researcher, { type: "request.create", requestId: request.id });
    await drain();
    await createExtract({ db, chain, researcherId: researcher.id, requestId: request.id, k: 2 });
    await drain();
    return { isSeeded: true };
  } finally {
    await release();
  }
}
