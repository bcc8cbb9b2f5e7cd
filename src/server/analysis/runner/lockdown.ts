import "server-only";
import { registerHooks } from "node:module";

/**
 * The child's own half of isolation (docs/compute-to-data.md §2), run before it reads its
 * input. Node 24's permission model refuses files, processes, workers and addons, but has no
 * network permission, and the network is reachable without importing anything: `fetch` and
 * `WebSocket` are globals and `process.getBuiltinModule("node:net")` hands out any built-in.
 * So: the network globals go, `getBuiltinModule` refuses, and every later `import()` or
 * `require` is refused at resolution (the bundle's own imports were resolved before this ran).
 */
const NETWORK_GLOBALS = ["fetch", "WebSocket", "EventSource", "XMLHttpRequest"] as const;

export function lockDown(): void {
  registerHooks({
    resolve(specifier) {
      throw refusal(`import of '${specifier}'`);
    },
  });
  for (const name of NETWORK_GLOBALS)
    Object.defineProperty(globalThis, name, {
      configurable: false,
      get() {
        throw refusal(name);
      },
    });
  Object.defineProperty(process, "getBuiltinModule", {
    configurable: false,
    writable: false,
    value: (id: string) => {
      throw refusal(`process.getBuiltinModule('${id}')`);
    },
  });
}

function refusal(what: string): Error {
  return Object.assign(new Error(`${what} is not available to an analysis`), {
    code: "ERR_ACCESS_DENIED",
  });
}
