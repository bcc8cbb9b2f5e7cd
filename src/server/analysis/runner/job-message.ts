import "server-only";
import { ZAnalysisSpecSchema, type TAnalysisSpec } from "~/shared/analysis-spec";
import type { CohortColumns } from "../evaluate/columns";
import { SEED_BYTES } from "./seeded-stream";

/**
 * The one message the parent sends the child and the one answer back (docs/compute-to-data.md
 * §2), both length-prefixed. The request is a JSON header (spec, seed, threshold, column names)
 * then the columns as raw typed arrays in a fixed order: numbers (8 bytes a value) first so
 * every array starts aligned, then the listing index, the filter flags and the level codes.
 * Shared by both sides; nothing here touches a file, a socket or the environment.
 */
export type JobRequest = {
  spec: TAnalysisSpec;
  columns: CohortColumns;
  seed: Uint8Array;
  threshold: number;
  /** Test builds only (PROBES): an attack the child tries from inside. */
  probe?: { name: string; argument?: string };
};

type Header = {
  spec: unknown;
  seed: string;
  threshold: number;
  records: number;
  numeric: string[];
  categorical: string[];
  probe?: { name: string; argument?: string };
};

const toHex = (bytes: Uint8Array) =>
  Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");

export function encodeJobRequest(request: JobRequest): Uint8Array {
  const { columns } = request;
  const records = columns.listingOf.length;
  const numeric = [...columns.numeric.keys()];
  const categorical = [...columns.categorical.keys()];
  const header: Header = {
    spec: request.spec,
    seed: toHex(request.seed),
    threshold: request.threshold,
    records,
    numeric,
    categorical,
    ...(request.probe ? { probe: request.probe } : {}),
  };
  const headerBytes = new TextEncoder().encode(JSON.stringify(header));
  const headerSpace = Math.ceil(headerBytes.length / 8) * 8;
  const arrays: Uint8Array[] = [
    ...numeric.map((name) => bytesOf(columns.numeric.get(name)!)),
    bytesOf(columns.listingOf),
    bytesOf(columns.keep),
    ...categorical.map((name) => bytesOf(columns.categorical.get(name)!)),
  ];
  const sizes = [...numeric.map(() => 8), 4, 1, ...categorical.map(() => 1)];
  if (arrays.some((array, i) => array.length !== sizes[i]! * records))
    throw new RangeError("every column has one value per record");
  const bodyLength = arrays.reduce((sum, a) => sum + a.length, 0);
  const message = new Uint8Array(8 + headerSpace + bodyLength);
  const view = new DataView(message.buffer);
  view.setUint32(0, message.length - 4, true);
  view.setUint32(4, headerBytes.length, true);
  message.set(headerBytes, 8);
  let offset = 8 + headerSpace;
  for (const array of arrays) {
    message.set(array, offset);
    offset += array.length;
  }
  return message;
}

const bytesOf = (a: Float64Array | Uint32Array | Uint8Array) =>
  new Uint8Array(a.buffer, a.byteOffset, a.byteLength);

/** The child's side: any inconsistency is a refusal, never a guess. */
export function decodeJobRequest(payload: Uint8Array): JobRequest {
  if (payload.length < 4) throw new Error("message too short");
  const view = new DataView(payload.buffer, payload.byteOffset, payload.byteLength);
  const headerLength = view.getUint32(0, true);
  if (4 + headerLength > payload.length) throw new Error("header longer than the message");
  const header = JSON.parse(
    new TextDecoder("utf-8", { fatal: true }).decode(payload.subarray(4, 4 + headerLength)),
  ) as Header;
  const spec = ZAnalysisSpecSchema.parse(header.spec);
  const n = header.records;
  if (!Number.isSafeInteger(n) || n < 0) throw new Error("bad record count");
  if (!/^[0-9a-f]{64}$/.test(header.seed)) throw new Error("bad seed");
  if (!Number.isInteger(header.threshold) || header.threshold < 5) throw new Error("bad threshold");
  const names = [...header.numeric, ...header.categorical];
  if (new Set(names).size !== names.length) throw new Error("a column appears twice");
  const bodyStart = 4 + Math.ceil(headerLength / 8) * 8;
  const expected = bodyStart + n * (8 * header.numeric.length + 4 + 1 + header.categorical.length);
  if (payload.length !== expected) throw new Error("columns do not match the record count");
  // A fresh, aligned copy: typed-array views need their element size's alignment.
  const body = payload.slice(bodyStart).buffer;
  let offset = 0;
  const take = <T>(make: (at: number) => T, bytes: number) => {
    const array = make(offset);
    offset += bytes;
    return array;
  };
  const numeric = new Map<string, Float64Array>();
  for (const name of header.numeric)
    numeric.set(
      name,
      take((at) => new Float64Array(body, at, n), 8 * n),
    );
  const listingOf = take((at) => new Uint32Array(body, at, n), 4 * n);
  const keep = take((at) => new Uint8Array(body, at, n), n);
  const categorical = new Map<string, Uint8Array>();
  for (const name of header.categorical)
    categorical.set(
      name,
      take((at) => new Uint8Array(body, at, n), n),
    );
  const seed = Uint8Array.from(header.seed.match(/../g)!, (h) => parseInt(h, 16));
  if (seed.length !== SEED_BYTES) throw new Error("bad seed");
  return {
    spec,
    columns: { listingOf, keep, numeric, categorical },
    seed,
    threshold: header.threshold,
    ...(header.probe ? { probe: header.probe } : {}),
  };
}

/** Reads one `u32 length + payload` frame from a byte stream; undefined until it is complete. */
export class FrameReader {
  private chunks: Uint8Array[] = [];
  private received = 0;
  private length: number | undefined;

  constructor(private readonly maxBytes: number) {}

  push(chunk: Uint8Array): Uint8Array | undefined {
    this.chunks.push(chunk);
    this.received += chunk.length;
    if (this.length === undefined) {
      if (this.received < 4) return undefined;
      const head = concat(this.chunks, this.received);
      this.chunks = [head];
      this.length = new DataView(head.buffer, head.byteOffset, 4).getUint32(0, true);
      if (this.length > this.maxBytes)
        throw new Error(`message of ${this.length} bytes is over the limit`);
    }
    if (this.received < 4 + this.length) return undefined;
    if (this.received > 4 + this.length) throw new Error("bytes after the message");
    return concat(this.chunks, this.received).subarray(4);
  }
}

function concat(chunks: Uint8Array[], length: number): Uint8Array {
  const out = new Uint8Array(length);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

export function frameOf(payload: Uint8Array): Uint8Array {
  const framed = new Uint8Array(4 + payload.length);
  new DataView(framed.buffer).setUint32(0, payload.length, true);
  framed.set(payload, 4);
  return framed;
}
