import { type BaseWallet, Wallet } from "ethers";
import { SiweMessage } from "siwe";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  authenticateWithEthereum,
  authenticateWithPassword,
} from "~/server/services/users/authenticate";
import { createHarness, type Harness } from "./harness";

let harness: Harness;
const domain = "localhost:3000";

beforeAll(async () => {
  harness = await createHarness();
});

afterAll(async () => {
  await harness.close();
});

let nonceCounter = 0;
function freshNonce() {
  nonceCounter += 1;
  return `csrf${Date.now()}x${nonceCounter}`;
}

async function signIn(
  wallet: BaseWallet,
  overrides: Partial<ConstructorParameters<typeof SiweMessage>[0] & object> = {},
  options: { csrfToken?: string; signer?: BaseWallet; requestedRole?: string } = {},
) {
  const nonce = (overrides as { nonce?: string }).nonce ?? freshNonce();
  const message = new SiweMessage({
    domain,
    address: wallet.address,
    uri: `http://${domain}`,
    version: "1",
    chainId: 31337,
    nonce,
    issuedAt: new Date().toISOString(),
    ...overrides,
  }).prepareMessage();
  const signature = await (options.signer ?? wallet).signMessage(message);
  return {
    message,
    signature,
    attempt: () =>
      authenticateWithEthereum({
        db: harness.db,
        message,
        signature,
        csrfToken: options.csrfToken ?? nonce,
        domain,
        chainId: 31337,
        requestedRole: options.requestedRole,
      }),
  };
}

describe("Sign-In with Ethereum", () => {
  it("creates an account for a new wallet with a self-service role, and signs it in again later", async () => {
    const wallet = Wallet.createRandom();
    const first = await (await signIn(wallet, {}, { requestedRole: "RESEARCHER" })).attempt();
    expect(first).toMatchObject({
      role: "RESEARCHER",
      walletAddress: wallet.address.toLowerCase(),
    });
    const again = await (await signIn(wallet)).attempt();
    expect(again.id).toBe(first.id);
  });

  it("never grants a vetted role to a new wallet", async () => {
    const user = await (
      await signIn(Wallet.createRandom(), {}, { requestedRole: "AUDITOR" })
    ).attempt();
    expect(user.role).toBe("PARTICIPANT");
  });

  it("refuses bad messages with a clear reason and creates nothing", async () => {
    const wallet = Wallet.createRandom();
    const usersBefore = await harness.db.user.count();
    const cases: [Promise<unknown>, RegExp][] = [
      [
        (await signIn(wallet, { domain: "evil.example" })).attempt(),
        /for evil.example, not localhost:3000/,
      ],
      [(await signIn(wallet, { chainId: 1 })).attempt(), /chain 1/],
      [
        (await signIn(wallet, {}, { csrfToken: "someoneelsescsrf" })).attempt(),
        /nonce does not match/,
      ],
      [
        (
          await signIn(wallet, { issuedAt: new Date(Date.now() - 11 * 60_000).toISOString() })
        ).attempt(),
        /stale/,
      ],
      [
        (await signIn(wallet, {}, { signer: Wallet.createRandom() })).attempt(),
        /signature was refused/,
      ],
      [
        (
          await signIn(wallet, { expirationTime: new Date(Date.now() - 1_000).toISOString() })
        ).attempt(),
        /signature was refused/,
      ],
      [
        authenticateWithEthereum({
          db: harness.db,
          message: "hello",
          signature: "0x00",
          csrfToken: "x",
          domain,
          chainId: 31337,
        }),
        /not a valid Sign-In with Ethereum message/,
      ],
    ];
    for (const [attempt, reason] of cases) await expect(attempt).rejects.toThrow(reason);
    expect(await harness.db.user.count()).toBe(usersBefore);
  });

  it("accepts a nonce once: a replayed message is refused", async () => {
    const { attempt } = await signIn(Wallet.createRandom());
    await attempt();
    await expect(attempt()).rejects.toThrow(/already used/);
  });
});

describe("email and password", () => {
  it("gives the same answer for a wrong password and an unknown email", async () => {
    const user = await harness.createUser("RESEARCHER");
    const record = await harness.db.user.findUniqueOrThrow({
      where: { id: user.id },
      select: { email: true },
    });
    await expect(
      authenticateWithPassword({
        db: harness.db,
        email: record.email!,
        password: "correct horse battery",
      }),
    ).resolves.toMatchObject({ id: user.id });
    await expect(
      authenticateWithPassword({ db: harness.db, email: record.email!, password: "wrong" }),
    ).rejects.toThrow("Wrong email or password.");
    await expect(
      authenticateWithPassword({ db: harness.db, email: "nobody@test.local", password: "wrong" }),
    ).rejects.toThrow("Wrong email or password.");
  });
});
