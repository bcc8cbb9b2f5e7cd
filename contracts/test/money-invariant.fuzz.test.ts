import fc from "fast-check";
import type { ContractTransactionResponse } from "ethers";
import { describe, expect, it } from "vitest";
import { DAY, deploySuite, hashOf, PURPOSE, salt, TOKEN } from "./fixtures";

/**
 * Random sequences of requests, decisions, revocations, time jumps, data uses, settlements and
 * withdrawals. After every step: the marketplace's token balance equals what is escrowed plus
 * what is credited and not withdrawn, and no account has withdrawn more than it was credited.
 */
const action = fc.oneof(
  fc.record({
    kind: fc.constant("request" as const),
    researcher: fc.nat(1),
    items: fc.integer({ min: 1, max: 63 }),
    purpose: fc.constantFrom(PURPOSE.ACADEMIC, PURPOSE.AI_TRAINING),
  }),
  fc.record({
    kind: fc.constant("decide" as const),
    request: fc.nat(20),
    item: fc.nat(5),
    approve: fc.boolean(),
  }),
  fc.record({ kind: fc.constant("use" as const), request: fc.nat(20), item: fc.nat(5) }),
  fc.record({ kind: fc.constant("revoke" as const), listing: fc.nat(5) }),
  fc.record({ kind: fc.constant("wait" as const), seconds: fc.integer({ min: 60, max: 9 * DAY }) }),
  fc.record({ kind: fc.constant("settle" as const), request: fc.nat(20) }),
  fc.record({ kind: fc.constant("withdraw" as const), account: fc.nat(4) }),
);

type Action = typeof action extends fc.Arbitrary<infer T> ? T : never;

const CLOSING_ACTIONS: Action[] = [
  { kind: "wait", seconds: 9 * DAY },
  ...Array.from({ length: 21 }, (_, request) => ({ kind: "settle" as const, request })),
  ...Array.from({ length: 5 }, (_, account) => ({ kind: "withdraw" as const, account })),
];

async function attempt(send: () => Promise<ContractTransactionResponse>) {
  try {
    return await (await send()).wait();
  } catch {
    return null; // many random actions are invalid; the invariant must hold either way
  }
}

describe("money invariant under random sequences", () => {
  it("never lets escrow and credits drift from the token balance", async () => {
    // Counts what the random runs achieved, so a generator that only produced no-ops fails.
    const achieved = { requests: 0, decisions: 0, uses: 0, settlements: 0, withdrawals: 0 };
    await fc.assert(
      fc.asyncProperty(
        // Every run ends by letting decisions lapse, settling and withdrawing, so settlements
        // and withdrawals are exercised in every run rather than only by chance.
        fc
          .array(action, { minLength: 15, maxLength: 35 })
          .map((actions) => [...actions, ...CLOSING_ACTIONS]),
        fc.integer({ min: 0, max: 1_000 }),
        async (actions, feeBps) => {
          const suite = await deploySuite();
          const {
            marketplace,
            marketplaceAddress,
            token,
            admin,
            operator,
            alice,
            bob,
            carol,
            mallory,
          } = suite;
          await (await token.mint(mallory.address, 1_000_000n * TOKEN)).wait();
          await (await token.connect(mallory).approve(marketplaceAddress, 2n ** 255n)).wait();
          await (await marketplace.connect(admin).setFee(feeBps, admin.address)).wait();
          const accounts = [admin, alice, bob, carol, mallory];
          const listings: { id: string; owner: typeof alice }[] = [];
          for (let index = 0; index < 6; index += 1) {
            const owner = index % 2 === 0 ? alice : bob;
            const purposes =
              index % 3 === 0
                ? (1 << PURPOSE.ACADEMIC) | (1 << PURPOSE.AI_TRAINING)
                : 1 << PURPOSE.ACADEMIC;
            const { id } = await suite.createListing(owner, {
              price: BigInt(index + 1) * TOKEN,
              autoApprove: index % 2 === 0,
              purposes,
            });
            listings.push({ id, owner });
          }
          const requests: Awaited<ReturnType<typeof suite.openRequest>>[] = [];
          const credited = new Map<string, bigint>();
          const withdrawn = new Map<string, bigint>();
          const add = (map: Map<string, bigint>, account: string, amount: bigint) =>
            map.set(account, (map.get(account) ?? 0n) + amount);

          for (const step of actions) {
            if (step.kind === "request") {
              const chosen = listings
                .filter((_, index) => (step.items >> index) & 1)
                .map((listing) => listing.id);
              const researcher = step.researcher === 0 ? carol : mallory;
              const opened = await suite
                .openRequest(researcher, chosen, { purpose: step.purpose })
                .catch(() => null);
              if (opened) {
                requests.push(opened);
                achieved.requests += 1;
              }
            } else if (step.kind === "decide" || step.kind === "use") {
              const request = requests[step.request % Math.max(requests.length, 1)];
              const item = request?.items[step.item % request.items.length];
              if (!request || !item) continue;
              if (step.kind === "decide") {
                const owner = listings.find((listing) => listing.id === item.listingId)!.owner;
                if (
                  await attempt(() =>
                    marketplace
                      .connect(owner)
                      .decide(
                        request.requestId,
                        item.index,
                        item.listingId,
                        item.price,
                        request.proof(item.index),
                        step.approve,
                      ),
                  )
                )
                  achieved.decisions += 1;
              } else {
                if (
                  await attempt(() =>
                    marketplace
                      .connect(operator)
                      .recordDataUse(
                        request.requestId,
                        item.index,
                        item.listingId,
                        item.price,
                        request.proof(item.index),
                        hashOf(salt()),
                      ),
                  )
                )
                  achieved.uses += 1;
              }
            } else if (step.kind === "revoke") {
              const listing = listings[step.listing]!;
              await attempt(() => marketplace.connect(listing.owner).revokeConsent(listing.id));
            } else if (step.kind === "wait") {
              await suite.increaseTime(step.seconds);
            } else if (step.kind === "settle") {
              const request = requests[step.request % Math.max(requests.length, 1)];
              if (!request) continue;
              const receipt = await attempt(() =>
                marketplace.settle(
                  request.requestId,
                  request.items.map((item) => item.listingId),
                  request.items.map((item) => item.price),
                ),
              );
              if (receipt) achieved.settlements += 1;
              for (const log of receipt?.logs ?? []) {
                const parsed = marketplace.interface.parseLog(log);
                if (parsed?.name === "PaymentCredited")
                  add(credited, parsed.args.owner as string, parsed.args.amount as bigint);
                if (parsed?.name === "RequestSettled") {
                  const [researcher] = await marketplace.getRequest(request.requestId);
                  add(credited, researcher, parsed.args.refunded as bigint);
                  add(credited, admin.address, parsed.args.fee as bigint);
                }
              }
            } else {
              const account = accounts[step.account]!;
              const receipt = await attempt(() => marketplace.connect(account).withdraw());
              if (receipt) achieved.withdrawals += 1;
              for (const log of receipt?.logs ?? []) {
                const parsed = marketplace.interface.parseLog(log);
                if (parsed?.name === "Withdrawn")
                  add(withdrawn, parsed.args.account as string, parsed.args.amount as bigint);
              }
            }

            const balances = await Promise.all(
              accounts.map((account) => marketplace.balanceOf(account.address)),
            );
            const held = await token.balanceOf(marketplaceAddress);
            expect(held).toBe(
              (await marketplace.totalEscrowed()) +
                balances.reduce((sum, balance) => sum + balance, 0n),
            );
            for (const [index, account] of accounts.entries()) {
              const got = withdrawn.get(account.address) ?? 0n;
              const owed = credited.get(account.address) ?? 0n;
              expect(got).toBeLessThanOrEqual(owed);
              expect(balances[index]).toBe(owed - got);
            }
          }
        },
      ),
      // A fixed seed by default keeps `npm test` reproducible (the check below that every kind
      // of step happened would otherwise fail now and then by chance); explore further with
      // FUZZ_SEED=<any integer> FUZZ_RUNS=<n>. fast-check prints the seed of a failing run.
      {
        numRuns: Number(process.env.FUZZ_RUNS ?? 12),
        seed: Number(process.env.FUZZ_SEED ?? 20_261_121),
        endOnFailure: false,
      },
    );
    const neverAchieved = Object.entries(achieved).filter(([, count]) => count === 0);
    expect(neverAchieved.map(([kind]) => kind)).toEqual([]);
  }, 600_000);
});
