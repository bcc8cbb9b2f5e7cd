import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { resetEnvCache } from "~/env";
import { openDatabase, type Database } from "~/server/db";
import { DEMO_ACCOUNTS, DEMO_TRIAL_REGISTRY_ID } from "~/server/seed/demo-accounts";
import { demoCsv } from "~/server/seed/seed-demo";
import { createListingDraft } from "~/server/services/listings/create-listing-draft";
import { createUpload } from "~/server/services/uploads/create-upload";
import { createManagedWallet } from "~/server/services/users/managed-wallet";
import type { SessionUser } from "~/server/session";
import { sessionCookie } from "../support/session-cookie";
import { STACK_SECRET, type Stack } from "./stack";

/**
 * Users and their listing drafts in a running installation, made through the app's own
 * services from this process: it opens the embedded database while the app holds it, as any
 * second process may. Then a burst of user actions over HTTP, as browsers send them.
 */
export type Draft = { user: SessionUser; listingId: string };

export function openStackDatabase(stack: Stack): Database {
  Object.assign(process.env, {
    DATA_DIR: stack.dataDir,
    PGLITE_DIR: path.join(stack.dataDir, "pglite"),
    BLOB_DIR: path.join(stack.dataDir, "blobs"),
    MASTER_KEY: stack.env.MASTER_KEY,
    CHAIN_RPC_URL: stack.rpcUrl,
  });
  delete process.env.DATABASE_URL;
  resetEnvCache();
  return openDatabase();
}

/** `each` drafts for the demo participant (linked to the demo trial) and for `others` more. */
export async function createDrafts(
  db: Database["prisma"],
  others: number,
  each: number,
  options: { title?: string; terms?: { epsilonBudget?: number; minCellCount?: number } } = {},
) {
  const select = { id: true, role: true, walletAddress: true, displayName: true } as const;
  const demo = await db.user.findUniqueOrThrow({
    where: { email: DEMO_ACCOUNTS.find((account) => account.role === "PARTICIPANT")!.email },
    select,
  });
  const trial = await db.trial.findUniqueOrThrow({
    where: { registryId: DEMO_TRIAL_REGISTRY_ID },
    select: { id: true },
  });
  const users: SessionUser[] = [demo];
  for (let index = 0; index < others; index += 1)
    users.push(
      await db.user.create({
        data: { role: "PARTICIPANT", displayName: `Crash ${index}`, ...createManagedWallet() },
        select,
      }),
    );
  const work = await mkdtemp(path.join(tmpdir(), "stack-drafts-"));
  const drafts: Draft[] = [];
  try {
    for (const [index, user] of users.entries()) {
      for (let item = 0; item < each; item += 1) {
        // One upload per listing: an upload becomes part of exactly one.
        const file = path.join(work, `${index}-${item}.csv`);
        await writeFile(file, demoCsv(6, 500 + index * 100 + item));
        const upload = await createUpload({
          db,
          ownerId: user.id,
          fileName: "v.csv",
          filePath: file,
        });
        const draft = await createListingDraft({
          db,
          ownerId: user.id,
          input: {
            uploadId: upload.id,
            dropColumns: [],
            // One linked listing: an enrolment holds at most 16 (MAX_LINKED_LISTINGS).
            trialId: user === demo && item === 0 ? trial.id : undefined,
            title: `${options.title ?? "Crash test"} ${index}-${item}`,
            description: "Published during a crash test.",
            conditions: ["Hypertension"],
            price: "1",
            purposes: ["ACADEMIC_RESEARCH"],
            consentExpiresAt: new Date(Date.now() + 365 * 24 * 3600 * 1000),
            autoApprove: true,
            ...options.terms,
          },
        });
        drafts.push({ user, listingId: draft.id });
      }
    }
  } finally {
    await rm(work, { recursive: true, force: true, maxRetries: 50, retryDelay: 100 });
  }
  return drafts;
}

export type BurstResult = { accepted: Set<string>; refused: Map<string, string> };

/**
 * Each user publishes their drafts one after another (all users at once), and, like a person
 * whose click failed, tries again while the app does not answer. A submit answered 200 is
 * accepted; a refusal (4xx) is recorded, e.g. "already published" for a retry whose first try
 * went through before the app died. `onAccepted` lets a test crash things mid-burst.
 */
export async function publishBurst(
  appUrl: string,
  drafts: Draft[],
  onAccepted: (count: number) => Promise<void> | void = () => {},
): Promise<BurstResult> {
  const result: BurstResult = { accepted: new Set(), refused: new Map() };
  const byUser = new Map<string, Draft[]>();
  for (const draft of drafts)
    byUser.set(draft.user.id, [...(byUser.get(draft.user.id) ?? []), draft]);
  const post = async (cookie: string, name: string, json: unknown) => {
    const response = await fetch(`${appUrl}/api/trpc/${name}`, {
      method: "POST",
      headers: { cookie, "content-type": "application/json" },
      body: JSON.stringify({ json }),
    });
    const body = (await response.json()) as {
      result?: { data: { json: unknown } };
      error?: { json: { message: string; data?: { httpStatus?: number } } };
    };
    return { status: response.status, body };
  };
  await Promise.all(
    [...byUser.values()].map(async (userDrafts) => {
      // These users never signed out nor changed a password: their session version is 0 (this
      // process's own database is not the installation's).
      const cookie = await sessionCookie(userDrafts[0]!.user, STACK_SECRET, 0);
      for (const { listingId } of userDrafts) {
        const action = { type: "listing.publish", listingId };
        for (let attempt = 0; ; attempt += 1) {
          try {
            const prepared = await post(cookie, "actions.prepare", { action });
            if (prepared.status >= 400 && prepared.status < 500) {
              result.refused.set(listingId, prepared.body.error!.json.message);
              break;
            }
            if (prepared.status !== 200) throw new Error(`prepare answered ${prepared.status}`);
            const typedData = (
              prepared.body.result!.data.json as { typedData: { message: unknown } }
            ).typedData;
            const submitted = await post(cookie, "actions.submit", {
              action,
              request: typedData.message,
            });
            if (submitted.status === 200) {
              result.accepted.add(listingId);
              await onAccepted(result.accepted.size);
              break;
            }
            if (submitted.status >= 400 && submitted.status < 500) {
              result.refused.set(listingId, submitted.body.error!.json.message);
              break;
            }
            throw new Error(`submit answered ${submitted.status}`);
          } catch (error) {
            // The app (or its database or chain) is down: wait a moment, as a person would.
            if (attempt > 2_000) throw error;
            await new Promise((resolve) => setTimeout(resolve, 250));
          }
        }
      }
    }),
  );
  return result;
}
