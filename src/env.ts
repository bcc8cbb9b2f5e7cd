import { createHash } from "node:crypto";
import { homedir } from "node:os";
import path from "node:path";
import { z } from "zod";

/**
 * The only place configuration is read. Development and tests get working defaults so that a
 * fresh clone runs with nothing to set; production must set every secret explicitly.
 */

const isProduction = process.env.NODE_ENV === "production";

// Well-known keys of the local Hardhat node's first accounts and a fixed development master
// key: public by design, refused in production below.
const DEV_RELAYER_KEY = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";
const DEV_MASTER_KEY = "747269616c73686172652d6465762d6f6e6c792d6d61737465722d6b65792121";
const DEV_AUTH_SECRET = "trialshare-development-auth-secret-not-for-production";

const hex32 = z.string().regex(/^(0x)?[0-9a-fA-F]{64}$/, "must be 32 bytes of hex (64 hex digits)");

function devDefault<T extends z.ZodType>(schema: T, fallback: string) {
  return isProduction ? schema : schema.default(fallback as never);
}

const schema = z.object({
  NODE_ENV: z.enum(["development", "test", "production"]).default("development"),
  /** PostgreSQL connection string; when unset, the embedded PGlite database is used. */
  DATABASE_URL: z.string().url().optional(),
  // --- Embedded stack and storage (README, "Running it"): all data of one installation lives
  // in DATA_DIR, outside the project so that `next dev` does not watch it and `git clean`
  // cannot delete it. The other folders default to places inside it.
  DATA_DIR: z.string().default(defaultDataDir()),
  /** Folder of the embedded database, or "memory://" for a throw-away one. */
  PGLITE_DIR: z.string().optional(),
  /** Folder of the encrypted blob store (BLOB_STORE=fs). */
  BLOB_DIR: z.string().optional(),
  /** Seconds between two writes of the local chain's state file. */
  CHAIN_STATE_INTERVAL_S: z.coerce.number().int().min(1).default(1),
  BLOB_STORE: z.enum(["fs", "s3"]).default("fs"),
  /** S3-compatible object store for BLOB_STORE=s3 (AWS, MinIO, R2, ...). */
  S3_BUCKET: z.string().min(3).optional(),
  S3_REGION: z.string().default("us-east-1"),
  /** For stores other than AWS, e.g. http://127.0.0.1:9000; path-style addressing then. */
  S3_ENDPOINT: z.string().url().optional(),
  S3_ACCESS_KEY_ID: z.string().optional(),
  S3_SECRET_ACCESS_KEY: z.string().optional(),
  /** Key prefix inside the bucket, so several installations can share one. */
  S3_PREFIX: z.string().default(""),
  // --- end of the embedded stack block
  /** JSON-RPC of the EVM chain; `npm run dev` starts a local node when unset. */
  CHAIN_RPC_URL: devDefault(z.string().url(), "http://127.0.0.1:8545"),
  /** A node that does not answer within this is treated as down (actions queue meanwhile). */
  CHAIN_RPC_TIMEOUT_MS: z.coerce.number().int().min(100).default(10_000),
  /** Folder of deployments/<chainId>.json address maps. */
  DEPLOYMENTS_DIR: z.string().default("deployments"),
  /** Blocks an event must be buried under before the indexer trusts it. */
  CHAIN_CONFIRMATIONS: z.coerce
    .number()
    .int()
    .min(0)
    .max(256)
    .default(isProduction ? 5 : 0),
  /** Key of the account that relays signed requests and pays gas (also the operator). */
  RELAYER_PRIVATE_KEY: devDefault(hex32, DEV_RELAYER_KEY),
  /** 32-byte hex key wrapping per-dataset keys and managed wallet keys (AES-256-GCM). */
  MASTER_KEY: devDefault(hex32, DEV_MASTER_KEY),
  NEXTAUTH_SECRET: devDefault(z.string().min(32), DEV_AUTH_SECRET),
  /**
   * Public URL of the app (SIWE messages name its host; sign-in redirects and cookie names
   * follow it). In production APP_URL or NEXTAUTH_URL must be set, the other is derived.
   */
  APP_URL: z.string().url().optional(),
  NEXTAUTH_URL: z.string().url().optional(),
  /** Proxies in front of the app that append to X-Forwarded-For; 0: clients connect directly. */
  TRUSTED_PROXY_HOPS: z.coerce.number().int().min(0).max(10).default(0),
  /** Run the outbox worker and indexer in this process. */
  RUN_WORKERS: z
    .enum(["true", "false"])
    .default("true")
    .transform((value) => value === "true"),
  OUTBOX_POLL_MS: z.coerce.number().int().min(50).default(500),
  INDEXER_POLL_MS: z.coerce.number().int().min(50).default(1000),
  LOG_LEVEL: z.enum(["debug", "info", "warn", "error", "silent"]).default("info"),
  // --- Notifications (email)
  /**
   * SMTP server for notification emails, e.g. smtp://user:pass@mail.example.org:587 (smtps://
   * for implicit TLS). Unset: emails wait in their queue until it is set. `npm run dev` sets it to
   * its local mail catcher.
   */
  SMTP_URL: z.string().url().optional(),
  /** The From address of notification emails. */
  MAIL_FROM: z.string().min(3).default("TrialShare <no-reply@trialshare.local>"),
  NOTIFY_POLL_MS: z.coerce.number().int().min(50).default(5_000),
  /**
   * Days after a request's access period ends before a request whose data was used, with no
   * registered output, is shown to its sponsor and participants as "no results reported".
   */
  RESULTS_GRACE_DAYS: z.coerce.number().int().min(0).max(3650).default(365),
  // --- end of notifications
  // --- Analyses (docs/compute-to-data.md §2): each runs in a child process with these limits.
  /** An analysis still running after this is stopped (and charges nothing). */
  ANALYSIS_TIMEOUT_MS: z.coerce.number().int().min(100).default(10_000),
  /** An analysis whose process uses more memory than this is stopped (and charges nothing). */
  ANALYSIS_MAX_RSS_MB: z.coerce.number().int().min(64).default(512),
  /** Analyses running at once; up to 4 more wait, then new ones are refused until one ends. */
  ANALYSIS_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(1),
  // --- end of analyses
});

/** Per project folder, so two clones never share data: ~/.local/share/trialshare/NAME-HASH. */
function defaultDataDir(): string {
  const project = process.cwd();
  const hash = createHash("sha256").update(project).digest("hex").slice(0, 8);
  const base = process.env.XDG_DATA_HOME || path.join(homedir(), ".local", "share");
  return path.join(base, "trialshare", `${path.basename(project)}-${hash}`);
}

const withDataPaths = schema
  .transform((env) => ({
    ...env,
    PGLITE_DIR: env.PGLITE_DIR ?? path.join(env.DATA_DIR, "pglite"),
    BLOB_DIR: env.BLOB_DIR ?? path.join(env.DATA_DIR, "blobs"),
  }))
  .superRefine((env, context) => {
    if (env.BLOB_STORE === "s3" && !env.S3_BUCKET)
      context.addIssue({
        code: "custom",
        path: ["S3_BUCKET"],
        message: "is required with BLOB_STORE=s3",
      });
  });

const LOOPBACK = new Set(["localhost", "127.0.0.1", "[::1]"]);

/** One public URL from APP_URL and NEXTAUTH_URL; production refuses a guessed or plain-HTTP one. */
const schemaWithUrls = withDataPaths.transform((env, ctx) => {
  const isProductionEnv = env.NODE_ENV === "production";
  const appUrl =
    env.APP_URL ?? env.NEXTAUTH_URL ?? (isProductionEnv ? "" : "http://localhost:3000");
  const refuse = (message: string) => {
    ctx.addIssue({ code: "custom", path: ["APP_URL"], message });
    return z.NEVER;
  };
  if (!appUrl)
    return refuse(
      "must be set in production: the public https URL people open (or set NEXTAUTH_URL)",
    );
  const url = new URL(appUrl);
  if (env.NEXTAUTH_URL && new URL(env.NEXTAUTH_URL).origin !== url.origin)
    return refuse(
      `names ${url.origin} but NEXTAUTH_URL names ${new URL(env.NEXTAUTH_URL).origin}; set one, or both alike`,
    );
  // Plain HTTP only on this machine: elsewhere session cookies must be Secure and prefixed.
  if (isProductionEnv && url.protocol !== "https:" && !LOOPBACK.has(url.hostname))
    return refuse(
      `must be https in production (it is ${url.origin}): session cookies are sent over HTTPS only`,
    );
  return { ...env, APP_URL: url.origin, NEXTAUTH_URL: url.origin };
});

export type Env = z.infer<typeof schemaWithUrls>;

export function parseEnv(source: NodeJS.ProcessEnv = process.env): Env {
  // `NAME=` (set, but empty) means unset: an empty folder name must not become the project's.
  const given = Object.fromEntries(Object.entries(source).filter(([, value]) => value !== ""));
  const result = schemaWithUrls.safeParse(given);
  if (!result.success) {
    const problems = result.error.issues
      .map((issue) => `  ${issue.path.join(".")}: ${issue.message}`)
      .join("\n");
    throw new Error(`Invalid configuration (see README, "Configuration"):\n${problems}`);
  }
  return result.data;
}

let cached: Env | undefined;

/** The validated environment, parsed once on first use. */
export function getEnv(): Env {
  cached ??= parseEnv();
  return cached;
}

/** Tests change process.env between suites; they call this to re-read it. */
export function resetEnvCache(): void {
  cached = undefined;
}

/** The SIWE domain: the host (with port) of APP_URL, never the request's Host header. */
export function getSiweDomain(env: Env = getEnv()): string {
  return new URL(env.APP_URL).host;
}
