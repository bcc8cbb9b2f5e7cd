import { type BaseWallet, Wallet } from "ethers";
import { SiweMessage } from "siwe";
import { describe, expect, inject, it } from "vitest";
import { cookieJar } from "./http-client";

/** next-auth's real endpoints under `next start`, driven over HTTP with a cookie jar. */
const skipReason = inject("e2eSkipReason");
const appUrl = skipReason ? "" : inject("appUrl");

async function attemptSignIn(
  options: {
    domain?: string;
    chainId?: number;
    expirationTime?: string;
    sign?: (message: string) => Promise<string>;
    wallet?: BaseWallet;
  } = {},
) {
  const request = cookieJar(appUrl);
  const wallet = options.wallet ?? Wallet.createRandom();
  const { csrfToken } = (await (await request("/api/auth/csrf")).json()) as { csrfToken: string };
  const url = new URL(appUrl);
  const message = new SiweMessage({
    domain: options.domain ?? url.host,
    address: wallet.address,
    uri: url.origin,
    version: "1",
    chainId: options.chainId ?? 31337,
    expirationTime: options.expirationTime,
    nonce: csrfToken,
    issuedAt: new Date().toISOString(),
  }).prepareMessage();
  const signature = await (options.sign ?? ((text: string) => wallet.signMessage(text)))(message);
  const post = () =>
    request("/api/auth/callback/siwe", {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ csrfToken, message, signature, json: "true" }),
    });
  const response = await post();
  const { url: redirect } = (await response.json()) as { url: string };
  const session = (await (await request("/api/auth/session")).json()) as {
    user?: { walletAddress?: string };
  };
  return {
    status: response.status,
    error: new URL(redirect).searchParams.get("error"),
    session,
    post,
    csrfToken,
    request,
  };
}

describe.skipIf(Boolean(skipReason))("Sign-In with Ethereum over HTTP", () => {
  it("signs a new wallet in, and the session carries its address", async () => {
    const wallet = Wallet.createRandom();
    const result = await attemptSignIn({ wallet });
    expect(result.error).toBeNull();
    expect(result.session.user?.walletAddress).toBe(wallet.address.toLowerCase());
  });

  it("refuses a replay of a captured message and signature", async () => {
    const first = await attemptSignIn();
    expect(first.error).toBeNull();
    const replay = await first.post();
    const { url } = (await replay.json()) as { url: string };
    // The CSRF cookie was rotated at sign-in, so the replay fails the CSRF check or the nonce check.
    expect(url).toMatch(/csrf=true|already%20used|already\+used/);
  });

  it("refuses a message for another domain and a bad signature, with the reason", async () => {
    const wrongDomain = await attemptSignIn({ domain: "evil.example" });
    expect(wrongDomain.status).toBe(401);
    expect(wrongDomain.error).toMatch(/for evil.example/);
    expect(wrongDomain.session.user).toBeUndefined();
    const forged = await attemptSignIn({
      sign: (message) => Wallet.createRandom().signMessage(message),
    });
    expect(forged.status).toBe(401);
    expect(forged.error).toMatch(/signature was refused/);
  });

  it("refuses a message for another chain, and an expired one", async () => {
    const otherChain = await attemptSignIn({ chainId: 1 });
    expect(otherChain.error).toMatch(/chain/i);
    expect(otherChain.session.user).toBeUndefined();
    const expired = await attemptSignIn({
      expirationTime: new Date(Date.now() - 60_000).toISOString(),
    });
    expect(expired.error).toMatch(/expired/i);
    expect(expired.session.user).toBeUndefined();
  });
});
