// Decoding a value is most of the cost of a get. Each open keeps the decoded form of values it
// has read more than once, with a copy of the record they were decoded from. Every get still reads
// the record from a fresh snapshot; only when it is byte for byte the kept one is decoding skipped,
// so a write by any process is seen exactly as without this cache. The caller gets a fresh copy,
// which costs a fraction of a decode: a plain JSON value is objects, arrays and immutable primitives.

/** The default budget: bytes of kept records (their decoded values take about 2 to 3 times more). */
export const DEFAULT_READ_CACHE_BYTES = 4 * 1024 * 1024;

/** What a kept key costs beyond its record and its characters (measured: about 120 bytes in V8). */
const ENTRY_OVERHEAD = 128;

type Kept = {
  readonly keys: Map<string, Kept>;
  readonly key: string;
  /** The record the value was decoded from. */
  record: Buffer;
  value: unknown;
  size: number;
};

/** What `hit` returns when no value decoded from that exact record is kept. */
export const MISS: unique symbol = Symbol("miss");

/**
 * Copies a value decoded from plain JSON: every object and array anew, the primitives shared. Spread
 * and slice copy a whole level at once (and define keys, so even "__proto__" stays a plain key).
 */
export function copyPlain(value: unknown): unknown {
  if (typeof value !== "object" || value === null) return value;
  if (Array.isArray(value)) {
    const out = value.slice();
    for (let i = 0; i < out.length; i++) {
      const item: unknown = out[i];
      if (typeof item === "object" && item !== null) out[i] = copyPlain(item);
    }
    return out;
  }
  const out: Record<string, unknown> = { ...(value as Record<string, unknown>) };
  for (const key in out) {
    const item = out[key];
    if (typeof item === "object" && item !== null) out[key] = copyPlain(item);
  }
  return out;
}

/** Characters of a key's head and tail that its fingerprint reads: enough to tell keys apart. */
const FINGERPRINT_SPAN = 64;

/** A 32-bit FNV-1a hash of a namespace number and a key's head, tail and length; never 0. */
export function fingerprint(space: number, key: string): number {
  let h = Math.imul(0x811c9dc5 ^ space, 0x01000193);
  const n = key.length;
  const head = Math.min(n, FINGERPRINT_SPAN);
  for (let i = 0; i < head; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
  for (let i = Math.max(head, n - FINGERPRINT_SPAN); i < n; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
  h = Math.imul(h ^ n, 0x01000193) >>> 0;
  return h === 0 ? 1 : h;
}

/**
 * Keys read once, as fingerprints in a fixed table: a pass that reads every key once costs no memory
 * beyond the table. Two keys that share a slot push each other out; two that share a fingerprint
 * count as one. Either way the worst is a value kept a read early or late.
 */
class SeenOnce {
  private readonly slots: Uint32Array;
  private readonly shift: number;

  constructor(budgetBytes: number) {
    // About one slot per 256 bytes of budget: several for every value the budget can keep.
    const bits = Math.min(20, Math.max(10, Math.ceil(Math.log2(budgetBytes / 256))));
    this.slots = new Uint32Array(1 << bits);
    this.shift = 32 - bits;
  }

  /** Whether the key was read once before (then it is taken off); if not, it is marked. */
  again(space: number, key: string): boolean {
    const print = fingerprint(space, key);
    const slot = Math.imul(print, 0x9e3779b1) >>> this.shift;
    if (this.slots[slot] === print) {
      this.slots[slot] = 0;
      return true;
    }
    this.slots[slot] = print;
    return false;
  }

  clear(): void {
    this.slots.fill(0);
  }
}

/** One budget and one order of forgetting for all the namespaces of an open. */
export class ReadCache {
  private readonly spaces = new Map<string, ReadSpace>();
  private readonly seen: SeenOnce;
  /**
   * Kept keys in the order they were kept: the oldest is forgotten first. A forgotten entry's slot is
   * emptied at once: the queue's head is cut only now and then, and until then it would hold the
   * entry's value and record, memory the budget no longer counts.
   */
  private order: (Kept | undefined)[] = [];
  private oldest = 0;
  private bytes = 0;

  constructor(readonly maxBytes: number) {
    this.seen = new SeenOnce(maxBytes);
  }

  /** What the kept entries count against the budget. */
  get usedBytes(): number {
    return this.bytes;
  }

  /** The kept values of one namespace. */
  space(namespace: string): ReadSpace {
    let space = this.spaces.get(namespace);
    if (space === undefined) {
      space = new ReadSpace(this, this.spaces.size);
      this.spaces.set(namespace, space);
    }
    return space;
  }

  /** Forgets everything: on close, so a closed cache that is still referenced holds no values. */
  clear(): void {
    for (const space of this.spaces.values()) space.clear();
    this.spaces.clear();
    this.seen.clear();
    this.order = [];
    this.oldest = 0;
    this.bytes = 0;
  }

  /** Whether `key` of namespace number `space` was read once before; if not, it is marked now. */
  readBefore(space: number, key: string): boolean {
    return this.seen.again(space, key);
  }

  add(kept: Kept): void {
    kept.keys.set(kept.key, kept);
    this.order.push(kept);
    this.bytes += kept.size;
    this.trim();
  }

  resize(kept: Kept, size: number): void {
    this.bytes += size - kept.size;
    kept.size = size;
    this.trim();
  }

  /** Forgets the oldest entries while over budget. */
  private trim(): void {
    while (this.bytes > this.maxBytes && this.oldest < this.order.length) {
      const old = this.order[this.oldest]!;
      this.order[this.oldest++] = undefined;
      old.keys.delete(old.key);
      this.bytes -= old.size;
    }
    // Drop the forgotten head of the queue once it is most of it.
    if (this.oldest > 1024 && this.oldest * 2 > this.order.length) {
      this.order = this.order.slice(this.oldest);
      this.oldest = 0;
    }
  }
}

export class ReadSpace {
  private readonly keys = new Map<string, Kept>();

  constructor(
    private readonly cache: ReadCache,
    private readonly id: number,
  ) {}

  clear(): void {
    this.keys.clear();
  }

  /** The kept value decoded from exactly `record`, as a fresh copy; `MISS` when none is kept. */
  hit(key: string, record: Buffer): unknown {
    const kept = this.keys.get(key);
    if (kept === undefined || !kept.record.equals(record)) return MISS;
    return copyPlain(kept.value);
  }

  /**
   * After decoding `record` to `value` on a miss: the first read of a key only marks it, so values
   * read once (a scan through gets) are not kept; a later read keeps the value. Returns the value
   * the caller may have: `value` itself, or a copy when `value` is now kept.
   */
  remember(key: string, record: Buffer, value: unknown): unknown {
    const size = ENTRY_OVERHEAD + 2 * key.length + record.length;
    // A value larger than a quarter of the budget would push out most of the rest: not kept.
    if (4 * size > this.cache.maxBytes) return value;
    const kept = this.keys.get(key);
    if (kept === undefined) {
      if (!this.cache.readBefore(this.id, key)) return value;
      this.cache.add({ keys: this.keys, key, record: Buffer.from(record), value, size });
    } else {
      kept.record = Buffer.from(record);
      kept.value = value;
      this.cache.resize(kept, size);
    }
    return this.keys.has(key) ? copyPlain(value) : value;
  }
}
