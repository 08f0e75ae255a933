/**
 * An in-memory model of level-cache's observable behaviour, with the documented differences as switches.
 *
 * The differential test runs one model with level-cache's switches beside the reference and one with the
 * library's beside the library: each backend must match its model step for step, so the two backends
 * differ exactly where, and only where, a documented difference makes the two models differ.
 */
import type { Differences } from "../suite/differences.ts";
import type { Outcome } from "../suite/suite.ts";
import type { Command, Key, Ttl, Value } from "./program.ts";

const SEPARATOR = "\u241F";

/** What level's UTF-8 key encoding leaves of a string: lone surrogates become U+FFFD. */
export function utf8Fold(text: string): string {
  return Buffer.from(text, "utf8").toString("utf8");
}

/** UTF-8 extended to lone surrogates, each as its own 3-byte sequence: byte order of lossless keys. */
export function wtf8Bytes(text: string): Buffer {
  const parts: Buffer[] = [];
  for (const char of text) {
    const point = char.codePointAt(0)!;
    if (point >= 0xd800 && point <= 0xdfff) {
      parts.push(Buffer.from([0xe0 | (point >> 12), 0x80 | ((point >> 6) & 0x3f), 0x80 | (point & 0x3f)]));
    } else {
      parts.push(Buffer.from(char, "utf8"));
    }
  }
  return Buffer.concat(parts);
}

type Entry = {
  /** The namespace and key it was written under (after any folding). */
  namespace: string;
  key: string;
  /** level-cache's stored key string: namespace + U+241F + key, or the key in the root namespace. */
  stored: string;
  /** Position in entries(): the stored key's bytes. */
  order: Buffer;
  value: unknown;
  expiry: number | undefined;
};

type Encoded = { ok: true; value: unknown } | { ok: false; error: string };

function isExpired(entry: Entry, now: number): boolean {
  return entry.expiry !== undefined && entry.expiry <= now;
}

export class CacheModel {
  private readonly entries = new Map<string, Entry>();
  private closed = false;

  constructor(
    private readonly d: Differences,
    private readonly defaultTtlMs: number | undefined,
  ) {}

  /** The expected result of one command run in the view of namespace `namespace` at time `now`. */
  apply(command: Command, namespace: string, now: number): Outcome {
    switch (command.op) {
      case "advance":
        return { ok: undefined };
      case "close":
        this.closed = true;
        return { ok: undefined };
      case "reopen":
        this.closed = false;
        return { ok: undefined };
      case "get":
        return this.get(namespace, command.key, now, (value) => value);
      case "has":
        return this.get(namespace, command.key, now, (value) => value !== undefined);
      case "set":
        return this.write(namespace, [{ type: "put", key: command.key, value: command.value, ttl: command.ttl }], now);
      case "del":
        return this.write(namespace, [{ type: "del", key: command.key }], now);
      case "batch":
        return this.write(namespace, command.ops, now);
      case "entries":
        return this.list(namespace, command.limit, command.take, now);
      case "sweep":
        return this.sweep(now);
    }
  }

  private closedWrite(): Outcome {
    return { error: this.d.closedRejectsAll ? "CACHE_CLOSED" : "LEVEL_DATABASE_NOT_OPEN" };
  }

  /** The slot of a key: level-cache folds namespace and key into one stored string; the library keeps the pair. */
  private locate(namespace: string, key: string): { id: string; entry: Omit<Entry, "value" | "expiry"> } {
    if (this.d.losslessKeys) {
      const stored = namespace ? namespace + SEPARATOR + key : key;
      return { id: JSON.stringify([namespace, key]), entry: { namespace, key, stored, order: wtf8Bytes(key) } };
    }
    const stored = utf8Fold(namespace ? namespace + SEPARATOR + key : key);
    return {
      id: stored,
      entry: { namespace: utf8Fold(namespace), key: utf8Fold(key), stored, order: Buffer.from(stored, "utf8") },
    };
  }

  /** A non-string key: refused by the library, turned into a string by level-cache. */
  private keyText(key: Key): string | Outcome {
    if (typeof key === "string") return key;
    return this.d.typedBadInput ? { error: "CACHE_INVALID_KEY" } : String(key.number);
  }

  private get(namespace: string, key: Key, now: number, result: (value: unknown) => unknown): Outcome {
    // level-cache's get swallows the closed database's error.
    if (this.closed) return this.d.closedRejectsAll ? { error: "CACHE_CLOSED" } : { ok: result(undefined) };
    const text = this.keyText(key);
    if (typeof text !== "string") return text;
    const { id } = this.locate(namespace, text);
    const entry = this.entries.get(id);
    if (entry === undefined) return { ok: result(undefined) };
    if (isExpired(entry, now)) {
      this.entries.delete(id);
      return { ok: result(undefined) };
    }
    return { ok: result(structuredClone(entry.value)) };
  }

  /** A value as JSON gives it back; level-cache stores what JSON leaves, the library refuses functions. */
  private encode(value: Value): Encoded {
    if ("bigint" in value) return { ok: false, error: this.d.typedBadInput ? "CACHE_INVALID_VALUE" : "TypeError" };
    if ("undefined" in value) return { ok: true, value: undefined };
    if ("function" in value) {
      if (this.d.typedBadInput) return { ok: false, error: "CACHE_INVALID_VALUE" };
      return { ok: true, value: { kept: value.function } };
    }
    return { ok: true, value: JSON.parse(JSON.stringify(value.json)) };
  }

  /** The expiry a TTL gives; level-cache stores a non-finite one as JSON null, which never expires. */
  private expiry(ttl: Ttl | undefined, now: number): { ok: true; expiry: number | undefined } | { ok: false } {
    const ms = ttl === undefined ? this.defaultTtlMs : Number(ttl);
    if (ms === undefined) return { ok: true, expiry: undefined };
    if (!Number.isFinite(ms)) return this.d.typedBadInput ? { ok: false } : { ok: true, expiry: undefined };
    return { ok: true, expiry: now + ms };
  }

  /** set, del and batch: all operations checked and prepared first, then applied together. */
  private write(
    namespace: string,
    ops: ReadonlyArray<{ type: "put"; key: Key; value: Value; ttl?: Ttl } | { type: "del"; key: Key }>,
    now: number,
  ): Outcome {
    if (this.closed) return this.closedWrite();
    const prepared: Array<{ id: string; entry: Entry | undefined }> = [];
    for (const op of ops) {
      const text = this.keyText(op.key);
      if (typeof text !== "string") return text;
      const { id, entry } = this.locate(namespace, text);
      if (op.type === "del") {
        prepared.push({ id, entry: undefined });
        continue;
      }
      const expiry = this.expiry(op.ttl, now);
      if (!expiry.ok) return { error: "CACHE_INVALID_TTL" };
      const encoded = this.encode(op.value);
      if (!encoded.ok) return { error: encoded.error };
      prepared.push({ id, entry: { ...entry, value: encoded.value, expiry: expiry.expiry } });
    }
    for (const { id, entry } of prepared) {
      if (entry === undefined) this.entries.delete(id);
      else this.entries.set(id, entry);
    }
    return { ok: undefined };
  }

  /** The logical key under which `entry` is listed by the view of `namespace`, if it is listed. */
  private listedAs(entry: Entry, namespace: string): string | undefined {
    if (namespace === "") {
      if (this.d.rootEntriesRootOnly) return entry.namespace === "" ? entry.key : undefined;
      return entry.stored; // level-cache's root view lists the whole database under stored keys
    }
    if (this.d.losslessKeys) return entry.namespace === namespace ? entry.key : undefined;
    const prefix = utf8Fold(namespace) + SEPARATOR;
    if (!entry.stored.startsWith(prefix)) return undefined;
    const bound = Buffer.from(prefix + "\uFFFF", "utf8");
    if (!this.d.unboundedNamespaceEntries && Buffer.compare(entry.order, bound) >= 0) return undefined;
    return entry.stored.slice(prefix.length);
  }

  private list(namespace: string, limit: number | "NaN" | undefined, take: number | undefined, now: number): Outcome {
    if (this.closed) return this.closedWrite();
    // level's iterators: a limit that is not a non-negative integer means none.
    const max = typeof limit === "number" && Number.isInteger(limit) && limit >= 0 ? limit : Infinity;
    const listed = [...this.entries]
      .map(([id, entry]) => ({ id, entry, key: this.listedAs(entry, namespace) }))
      .filter((item): item is { id: string; entry: Entry; key: string } => item.key !== undefined)
      .sort((a, b) => Buffer.compare(a.entry.order, b.entry.order));
    const out: Array<[string, unknown]> = [];
    let counted = 0;
    for (const { id, entry, key } of listed) {
      if (counted >= max || (take !== undefined && out.length >= take)) break;
      counted++;
      if (isExpired(entry, now)) {
        this.entries.delete(id);
        continue;
      }
      out.push([key, structuredClone(entry.value)]);
    }
    return { ok: out };
  }

  private sweep(now: number): Outcome {
    if (this.closed) return this.closedWrite();
    let deleted = 0;
    for (const [id, entry] of this.entries) {
      if (!isExpired(entry, now)) continue;
      this.entries.delete(id);
      deleted++;
    }
    return { ok: deleted };
  }
}
