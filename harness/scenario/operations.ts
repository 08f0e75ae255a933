// The operations a scenario process runs against its cache, as plain JSON so they travel to workers in a file.

/** A chain of `withNamespace` calls from the root view: `["a", "b"]` is `root.withNamespace("a").withNamespace("b")`. */
export type NsPath = readonly string[];

export type BatchEntry = { type: "put"; key: string; value: unknown; ttlMs?: number } | { type: "del"; key: string };

export type Op =
  | { kind: "set"; ns: NsPath; key: string; value: unknown; ttlMs?: number }
  | { kind: "get"; ns: NsPath; key: string }
  | { kind: "has"; ns: NsPath; key: string }
  | { kind: "del"; ns: NsPath; key: string }
  | { kind: "batch"; ns: NsPath; ops: BatchEntry[] }
  | { kind: "entries"; ns: NsPath; limit?: number }
  | { kind: "sweep" }
  /** Sample the cache's size: the pages in use (`stats().bytes`) and the data file's length. */
  | { kind: "size" }
  | { kind: "sleep"; ms: number }
  /**
   * Close the process's cache, wait `pauseMs` if given, and open the same path again with the same options;
   * namespace views are rebuilt from the new cache. It neither reads nor writes, so the checkers' model
   * leaves it out, but it fails (an error record) when the close or the open does.
   */
  | { kind: "reopen"; pauseMs?: number };

/** The namespace a path reaches, folded as `withNamespace` folds it (an empty segment changes nothing). */
export function namespaceOf(path: NsPath): string {
  let current = "";
  for (const segment of path) if (segment) current = current ? `${current}/${segment}` : segment;
  return current;
}

/** One identity per logical key: distinct (namespace, key) pairs never share it. */
export function keyId(namespace: string, key: string): string {
  return JSON.stringify([namespace, key]);
}

export function splitKeyId(id: string): { namespace: string; key: string } {
  const [namespace, key] = JSON.parse(id) as [string, string];
  return { namespace, key };
}

/** Code point order, which is the UTF-8 (and WTF-8, for lone surrogates) byte order entries() promises. */
export function compareCodePoints(a: string, b: string): number {
  const left = a[Symbol.iterator]();
  const right = b[Symbol.iterator]();
  for (;;) {
    const x = left.next();
    const y = right.next();
    if (x.done || y.done) return (x.done ? 0 : 1) - (y.done ? 0 : 1);
    const cx = x.value.codePointAt(0)!;
    const cy = y.value.codePointAt(0)!;
    if (cx !== cy) return cx - cy;
  }
}

/** Readable text of an operation for failure messages: unusual characters escaped, long keys cut. */
export function describeOp(op: Op): string {
  const short = (text: string) => JSON.stringify(text.length > 40 ? `${text.slice(0, 20)}…(${text.length})` : text);
  const where = (ns: NsPath) => (ns.length === 0 ? "" : `[${ns.map(short).join(",")}]`);
  switch (op.kind) {
    case "set":
      return `set${where(op.ns)}(${short(op.key)}${op.ttlMs === undefined ? "" : `, ttl ${op.ttlMs}`})`;
    case "get":
    case "has":
    case "del":
      return `${op.kind}${where(op.ns)}(${short(op.key)})`;
    case "batch":
      return `batch${where(op.ns)}(${op.ops.length} ops)`;
    case "entries":
      return `entries${where(op.ns)}(${op.limit === undefined ? "" : `limit ${op.limit}`})`;
    case "sweep":
      return "sweepExpired()";
    case "size":
      return "size()";
    case "sleep":
      return `sleep(${op.ms})`;
    case "reopen":
      return `reopen(${op.pauseMs === undefined ? "" : `pause ${op.pauseMs}`})`;
  }
}
