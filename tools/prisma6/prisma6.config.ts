// Config for the Prisma 6.19.3 CLI only (WASM schema engine), used offline for `migrate diff`.
// Plain object: no import of "prisma/config", so it works whatever `prisma` resolves to.
import { PGlite } from "@electric-sql/pglite";
import { PrismaPGlite } from "pglite-prisma-adapter";

// PGlite arms a 10 s timer (setitimer) that keeps Node alive after the CLI is done; this
// process never closes its PGlite instances, so let such timers not hold the event loop.
const realSetTimeout = globalThis.setTimeout;
globalThis.setTimeout = ((fn: (...a: unknown[]) => void, ms?: number, ...a: unknown[]) => {
  const t = realSetTimeout(fn, ms, ...a);
  if ((ms ?? 0) >= 10_000) t.unref();
  return t;
}) as typeof setTimeout;

const isMulti = (sql: string) => /;\s*\S/.test(sql.trim().replace(/;\s*$/, ""));

// Wrap a SqlDriverAdapter so multi-statement scripts go through pglite.exec (awaited).
function wrap(adapter: any, pg: PGlite): any {
  return new Proxy(adapter, {
    get(target, prop, receiver) {
      if (prop === "executeScript")
        return async (script: string) => {
          await pg.exec(script);
        };
      if (prop === "executeRaw" || prop === "queryRaw") {
        return async (q: { sql: string; args: unknown[] }) => {
          if (process.env.P6_TRACE)
            console.error(`[${String(prop)}]`, q.sql.slice(0, 80).replace(/\s+/g, " "));
          if (q.args.length === 0 && isMulti(q.sql)) {
            await pg.exec(q.sql);
            return prop === "executeRaw" ? 0 : { columnNames: [], columnTypes: [], rows: [] };
          }
          return target[prop](q);
        };
      }
      const v = Reflect.get(target, prop, receiver);
      return typeof v === "function" ? v.bind(target) : v;
    },
  });
}

const dbs: PGlite[] = [];
function factory() {
  const main = new PGlite();
  dbs.push(main);
  const f = new PrismaPGlite(main);
  return {
    provider: f.provider,
    adapterName: f.adapterName,
    connect: async () => wrap(await f.connect(), main),
    connectToShadowDb: async () => {
      const shadow = new PGlite();
      dbs.push(shadow);
      return wrap(await new PrismaPGlite(shadow).connect(), shadow);
    },
  };
}

export default {
  experimental: { adapter: true },
  engine: "js",
  adapter: async () => factory(),
};
