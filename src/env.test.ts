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
});
