import type { Owner } from "./owner.ts";

// A key's lease record says either who is computing its value now (a claim, until its expiry) or how
// long the last computation took (a timing, kept as long as the value it timed, for early refresh).
// claim:  [1][expiry: float64][pid: uint32][start: float64][thread: uint32][token: uint32]
// timing: [2][expiry: float64][milliseconds: float64]

const CLAIM = 1;
const TIMING = 2;
const CLAIM_BYTES = 29;
const TIMING_BYTES = 17;

export type Claim = Readonly<{ kind: "claim"; expiry: number; owner: Owner; token: number }>;
export type Timing = Readonly<{ kind: "timing"; expiry: number; ms: number }>;

export function encodeClaim(expiry: number, owner: Owner, token: number): Buffer {
  const out = Buffer.allocUnsafe(CLAIM_BYTES);
  out[0] = CLAIM;
  out.writeDoubleLE(expiry, 1);
  out.writeUInt32LE(owner.pid, 9);
  out.writeDoubleLE(owner.start, 13);
  out.writeUInt32LE(owner.thread, 21);
  out.writeUInt32LE(token, 25);
  return out;
}

export function encodeTiming(expiry: number, ms: number): Buffer {
  const out = Buffer.allocUnsafe(TIMING_BYTES);
  out[0] = TIMING;
  out.writeDoubleLE(expiry, 1);
  out.writeDoubleLE(ms, 9);
  return out;
}

/** The lease a record holds; undefined for a record of another form, which then counts as no lease. */
export function decodeLease(record: Buffer | undefined): Claim | Timing | undefined {
  if (record === undefined) return undefined;
  if (record[0] === CLAIM && record.length === CLAIM_BYTES) {
    const owner = { pid: record.readUInt32LE(9), start: record.readDoubleLE(13), thread: record.readUInt32LE(21) };
    return { kind: "claim", expiry: record.readDoubleLE(1), owner, token: record.readUInt32LE(25) };
  }
  if (record[0] === TIMING && record.length === TIMING_BYTES) {
    return { kind: "timing", expiry: record.readDoubleLE(1), ms: record.readDoubleLE(9) };
  }
  return undefined;
}

export function isClaimOf(lease: Claim | Timing | undefined, owner: Owner, token: number): boolean {
  return (
    lease?.kind === "claim" &&
    lease.token === token &&
    lease.owner.pid === owner.pid &&
    lease.owner.start === owner.start &&
    lease.owner.thread === owner.thread
  );
}

/** A lease record's expiry, or undefined when it is of no known form (never swept). */
export function leaseExpiry(record: Buffer): number | undefined {
  return decodeLease(record)?.expiry;
}
