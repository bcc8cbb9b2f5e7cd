import path from "node:path";
import { describe, expect, it } from "vitest";
import { getSiweDomain, parseEnv } from "./env";

describe("environment", () => {
  it("runs with nothing set in development", () => {
    const env = parseEnv({ NODE_ENV: "development" });
    // Outside the project (next dev watches it), one folder per clone.
    expect(env.DATA_DIR).toMatch(/trialshare[/\\][^/\\]+-[0-9a-f]{8}$/);
    expect(env.PGLITE_DIR).toBe(path.join(env.DATA_DIR, "pglite"));
    expect(env.BLOB_DIR).toBe(path.join(env.DATA_DIR, "blobs"));
    expect(env.RUN_WORKERS).toBe(true);
    expect(getSiweDomain(env)).toBe("localhost:3000");
  });

  it("says which variable is wrong", () => {
    expect(() => parseEnv({ NODE_ENV: "development", MASTER_KEY: "short" })).toThrow(
      /MASTER_KEY: must be 32 bytes of hex/,
    );
    expect(() => parseEnv({ NODE_ENV: "development", DATABASE_URL: "not a url" })).toThrow(
      /DATABASE_URL/,
    );
    expect(() => parseEnv({ NODE_ENV: "development", BLOB_STORE: "s3" })).toThrow(
      /S3_BUCKET: is required with BLOB_STORE=s3/,
    );
  });

  const production = {
    NODE_ENV: "production",
    CHAIN_RPC_URL: "https://rpc.example.org",
    RELAYER_PRIVATE_KEY: "11".repeat(32),
    MASTER_KEY: "22".repeat(32),
    NEXTAUTH_SECRET: "a-production-secret-of-at-least-32-chars",
  } as const;

  it("refuses to start in production without a public URL, rather than guess localhost", () => {
    expect(() => parseEnv(production)).toThrow(/APP_URL: must be set in production/);
  });

  it("derives NEXTAUTH_URL from APP_URL in production, and APP_URL from NEXTAUTH_URL", () => {
    const fromApp = parseEnv({ ...production, APP_URL: "https://trialshare.example.org/" });
    expect(fromApp.NEXTAUTH_URL).toBe("https://trialshare.example.org");
    expect(getSiweDomain(fromApp)).toBe("trialshare.example.org");
    const fromAuth = parseEnv({ ...production, NEXTAUTH_URL: "https://trialshare.example.org" });
    expect(fromAuth.APP_URL).toBe("https://trialshare.example.org");
  });

  it("refuses plain HTTP in production (but not on this machine) and two different URLs", () => {
    expect(() => parseEnv({ ...production, APP_URL: "http://trialshare.example.org" })).toThrow(
      /APP_URL: must be https in production/,
    );
    expect(parseEnv({ ...production, APP_URL: "http://localhost:3000" }).APP_URL).toBe(
      "http://localhost:3000",
    );
    expect(() =>
      parseEnv({
        ...production,
        APP_URL: "https://trialshare.example.org",
        NEXTAUTH_URL: "https://other.example.org",
      }),
    ).toThrow(/NEXTAUTH_URL names https:\/\/other.example.org/);
  });

  it("trusts no proxy hops unless told", () => {
    expect(parseEnv({ NODE_ENV: "development" }).TRUSTED_PROXY_HOPS).toBe(0);
    expect(parseEnv({ NODE_ENV: "development", TRUSTED_PROXY_HOPS: "2" }).TRUSTED_PROXY_HOPS).toBe(
      2,
    );
    expect(() => parseEnv({ NODE_ENV: "development", TRUSTED_PROXY_HOPS: "-1" })).toThrow(
      /TRUSTED_PROXY_HOPS/,
    );
  });
});
