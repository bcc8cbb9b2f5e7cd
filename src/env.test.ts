import { describe, expect, it } from "vitest";
import { getSiweDomain, parseEnv } from "./env";

describe("environment", () => {
  it("runs with nothing set in development", () => {
    const env = parseEnv({ NODE_ENV: "development" });
    expect(env.PGLITE_DIR).toBe(".data/pglite");
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
  });
});
