import "server-only";
import net from "node:net";
import type { PGlite } from "@electric-sql/pglite";

/**
 * PGlite served over the PostgreSQL wire protocol to many connections at once. PGlite is one
 * backend, so the connections take turns; what makes this safe is who may have the next turn.
 * A connection keeps the backend from its first message until the backend is idle again: its
 * extended-protocol messages up to Sync, and its whole transaction up to COMMIT or ROLLBACK,
 * are never interleaved with another connection's. (`@electric-sql/pglite-socket` queues
 * message by message and only respects transactions: a Parse/Bind/Execute series that arrives
 * in two TCP chunks can be interleaved with another client's, which binds one client's
 * parameters to the other's statement. Seen here with 2 MB parameters.)
 */
const SSL_REQUEST = 80_877_103;
const GSSENC_REQUEST = 80_877_104;
const CANCEL_REQUEST = 80_877_102;
const SYNC = Buffer.from([0x53, 0, 0, 0, 4]);

function simpleQuery(sql: string): Uint8Array {
  const text = Buffer.from(`${sql}\0`);
  const header = Buffer.alloc(5);
  header.write("Q");
  header.writeInt32BE(4 + text.length, 1);
  return new Uint8Array(Buffer.concat([header, text]));
}

type Session = {
  socket: net.Socket;
  buffer: Buffer;
  isStarted: boolean;
  isClosed: boolean;
  /** Messages sent to the backend since the last Sync or simple Query completed. */
  isMidQuery: boolean;
};

type Job =
  | { kind: "messages"; session: Session; bytes: Buffer; endsQuery: boolean }
  | { kind: "idle"; run: () => Promise<void> };

export type WireServer = {
  port: number;
  /** Runs `work` when no connection holds the backend (between transactions). */
  whenIdle<T>(work: () => Promise<T>): Promise<T>;
  connections(): number;
  close(): Promise<void>;
};

export async function startWireServer(
  db: PGlite,
  options: { host?: string; port?: number } = {},
): Promise<WireServer> {
  const sessions = new Set<Session>();
  const queue: Job[] = [];
  let owner: Session | null = null;
  let isPumping = false;

  function nextJob(): Job | undefined {
    const index = owner
      ? queue.findIndex((job) => job.kind === "messages" && job.session === owner)
      : 0;
    return index < 0 ? undefined : queue.splice(index, 1)[0];
  }

  async function run(job: Job): Promise<void> {
    if (job.kind === "idle") return job.run();
    const { session } = job;
    if (session.isClosed) return;
    await db.runExclusive(() =>
      db.execProtocolRawStream(new Uint8Array(job.bytes), {
        onRawData: (data) => {
          if (!session.isClosed && data.length > 0) session.socket.write(Buffer.from(data));
        },
      }),
    );
    session.isMidQuery = !job.endsQuery;
    const isHolding = session.isMidQuery || db.isInTransaction();
    if (session.isClosed && isHolding) await release(session);
    owner = isHolding && !session.isClosed ? session : null;
  }

  async function pump(): Promise<void> {
    if (isPumping) return;
    isPumping = true;
    try {
      for (let job = nextJob(); job; job = nextJob()) {
        try {
          await run(job);
        } catch (error) {
          // PGlite reports SQL errors in the protocol stream; a throw here is the backend
          // itself failing, and the connection cannot continue.
          if (job.kind === "messages") closeSession(job.session, error);
          else throw error;
        }
      }
    } finally {
      isPumping = false;
    }
  }

  /** Ends what a closed connection left open on the backend, so others can go on. */
  async function release(session: Session): Promise<void> {
    // Raw protocol inside runExclusive: db.exec would wait for the lock held here.
    await db.runExclusive(async () => {
      if (session.isMidQuery) await db.execProtocolRaw(new Uint8Array(SYNC));
      if (db.isInTransaction()) await db.execProtocolRaw(simpleQuery("ROLLBACK"));
    });
    session.isMidQuery = false;
  }

  function closeSession(session: Session, error?: unknown): void {
    if (session.isClosed) return;
    session.isClosed = true;
    sessions.delete(session);
    for (let index = queue.length - 1; index >= 0; index -= 1) {
      const job = queue[index]!;
      if (job.kind === "messages" && job.session === session) queue.splice(index, 1);
    }
    if (error) session.socket.destroy();
    else session.socket.end();
    if (owner === session) {
      // Runs next (before any other connection's work), unless a job of this session is
      // running right now: that one releases the backend itself when it ends.
      owner = null;
      queue.unshift({ kind: "idle", run: () => release(session) });
    }
    void pump();
  }

  /** Splits what arrived into jobs that end at Sync or Query (the points where a reply ends). */
  function receive(session: Session, chunk: Buffer): void {
    if (session.isClosed) return;
    session.buffer = Buffer.concat([session.buffer, chunk]);
    let start = 0;
    let offset = 0;
    const flush = (endsQuery: boolean) => {
      if (offset > start)
        queue.push({
          kind: "messages",
          session,
          bytes: session.buffer.subarray(start, offset),
          endsQuery,
        });
      start = offset;
    };
    while (session.buffer.length - offset >= 4) {
      if (!session.isStarted) {
        const length = session.buffer.readInt32BE(offset);
        if (session.buffer.length - offset < length || length < 8) break;
        const code = session.buffer.readInt32BE(offset + 4);
        if (code === SSL_REQUEST || code === GSSENC_REQUEST) {
          session.socket.write("N");
          offset += length;
          start = offset;
          continue;
        }
        if (code === CANCEL_REQUEST) return closeSession(session);
        offset += length;
        session.isStarted = true;
        flush(true);
        continue;
      }
      if (session.buffer.length - offset < 5) break;
      const type = String.fromCharCode(session.buffer[offset]!);
      const length = 1 + session.buffer.readInt32BE(offset + 1);
      if (session.buffer.length - offset < length) break;
      if (type === "X") return closeSession(session);
      offset += length;
      if (type === "S" || type === "Q") flush(true);
    }
    // Complete messages without a Sync yet (a client waiting on Flush) go now; the session
    // keeps the backend until its Sync arrives.
    flush(false);
    session.buffer = Buffer.from(session.buffer.subarray(offset));
    void pump();
  }

  const server = net.createServer((socket) => {
    socket.setNoDelay(true);
    const session: Session = {
      socket,
      buffer: Buffer.alloc(0),
      isStarted: false,
      isClosed: false,
      isMidQuery: false,
    };
    sessions.add(session);
    socket.on("data", (chunk: Buffer) => receive(session, chunk));
    socket.on("error", () => closeSession(session));
    socket.on("close", () => closeSession(session));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, options.host ?? "127.0.0.1", () => resolve());
  });

  return {
    port: (server.address() as net.AddressInfo).port,
    whenIdle: (work) =>
      new Promise((resolve, reject) => {
        queue.push({ kind: "idle", run: () => work().then(resolve, reject) });
        void pump();
      }),
    connections: () => sessions.size,
    close: async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const session of [...sessions]) closeSession(session);
      await closed;
      // Let the releases of the closed connections run before the database closes.
      await new Promise<void>((resolve) => {
        queue.push({
          kind: "idle",
          run: () => {
            resolve();
            return Promise.resolve();
          },
        });
        void pump();
      });
    },
  };
}
