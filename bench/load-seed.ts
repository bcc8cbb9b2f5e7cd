import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { resetEnvCache } from "~/env";
import { connectChain } from "~/server/chain/client";
import { createDomainChainDrain } from "~/server/chain-domain";
import { enqueueTokenMint } from "~/server/chain/mint";
import { openDatabase } from "~/server/db";
import { applyMigrations } from "~/server/migrate";
import { demoCsv } from "~/server/seed/seed-demo";
import { handlerFor, type TAction } from "~/server/services/actions/registry";
import { prepareAction, submitAction } from "~/server/services/actions/run-action";
import { createExtract } from "~/server/services/extracts/create-extract";
import { createListingDraft } from "~/server/services/listings/create-listing-draft";
import { createRequestDraft } from "~/server/services/requests/create-request-draft";
import { createUpload } from "~/server/services/uploads/create-upload";
import { createManagedWallet } from "~/server/services/users/managed-wallet";
import type { SessionUser } from "~/server/session";

/**
 * The load test's world, made with the app's own services before the server starts (the
 * embedded database has one process at a time): participants with listings on chain, half of
 * them asking before each use, and researchers with tokens and one extract each to download.
 */
export type LoadWorld = {
  participants: SessionUser[];
  researchers: SessionUser[];
  listings: { id: string; autoApprove: boolean }[];
  extracts: { researcherId: string; extractId: string }[];
};

export async function seedLoadWorld(options: {
  participants: number;
  researchers: number;
  listingsEach: number;
}): Promise<LoadWorld> {
  resetEnvCache();
  const database = openDatabase({ pgliteDir: process.env.PGLITE_DIR! });
  await applyMigrations(database);
  const db = database.prisma;
  const chain = await connectChain();
  const { drain, release } = createDomainChainDrain({ db, chain });
  const work = await mkdtemp(path.join(tmpdir(), "load-seed-"));
  const select = { id: true, role: true, walletAddress: true, displayName: true } as const;
  const act = async (user: SessionUser, action: TAction) => {
    const { handler, input } = handlerFor(action);
    const context = { db, chain, user };
    const prepared = await prepareAction(handler, context, input);
    if (!prepared.typedData) throw new Error(`${action.type} could not be prepared`);
    await submitAction(handler, context, input, { request: prepared.typedData.message });
  };
  try {
    const world: LoadWorld = { participants: [], researchers: [], listings: [], extracts: [] };
    for (let index = 0; index < options.participants; index += 1) {
      const user = await db.user.create({
        data: {
          role: "PARTICIPANT",
          displayName: `Load participant ${index}`,
          ...createManagedWallet(),
        },
        select,
      });
      world.participants.push(user);
      for (let item = 0; item < options.listingsEach; item += 1) {
        const file = path.join(work, `p${index}-${item}.csv`);
        await writeFile(file, demoCsv(24, index * 10 + item + 1));
        const upload = await createUpload({
          db,
          ownerId: user.id,
          fileName: "vitals.csv",
          filePath: file,
        });
        const autoApprove = item % 2 === 0;
        const draft = await createListingDraft({
          db,
          ownerId: user.id,
          input: {
            uploadId: upload.id,
            dropColumns: [],
            title: `Vitals ${index}-${item}: HbA1c and blood pressure`,
            description: "De-identified measurements for load testing.",
            conditions: [index % 2 ? "Type 2 diabetes" : "Hypertension"],
            price: String(1 + (item % 3)),
            purposes: ["ACADEMIC_RESEARCH", "PUBLIC_HEALTH"],
            consentExpiresAt: new Date(Date.now() + 365 * 24 * 3600 * 1000),
            autoApprove,
          },
        });
        await act(user, { type: "listing.publish", listingId: draft.id });
        world.listings.push({ id: draft.id, autoApprove });
      }
      await drain();
    }
    for (let index = 0; index < options.researchers; index += 1) {
      const user = await db.user.create({
        data: {
          role: "RESEARCHER",
          displayName: `Load researcher ${index}`,
          ...createManagedWallet(),
        },
        select,
      });
      world.researchers.push(user);
      await db.$transaction((tx) =>
        enqueueTokenMint(tx, chain, {
          to: user.walletAddress,
          amount: 100_000n * 10n ** 18n,
          idempotencyKey: `load:mint:${user.id}`,
        }),
      );
    }
    await drain();
    const automatic = world.listings.filter((listing) => listing.autoApprove);
    for (const [index, researcher] of world.researchers.entries()) {
      const request = await createRequestDraft({
        db,
        researcherId: researcher.id,
        input: {
          listingIds: [
            automatic[index % automatic.length]!.id,
            automatic[(index + 1) % automatic.length]!.id,
          ],
          purpose: "ACADEMIC_RESEARCH",
          planText: "Blood pressure and HbA1c, pooled, for the load test.",
          accessDays: 90,
        },
      });
      await act(researcher, { type: "request.create", requestId: request.id });
      await drain();
      const extract = await createExtract({
        db,
        chain,
        researcherId: researcher.id,
        requestId: request.id,
        k: 2,
      });
      world.extracts.push({ researcherId: researcher.id, extractId: extract.id });
    }
    await drain();
    return world;
  } finally {
    await release();
    chain.provider.destroy();
    await database.close();
    await rm(work, { recursive: true, force: true });
  }
}
