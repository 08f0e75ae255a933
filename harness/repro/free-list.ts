// Reproduces the free-page-list fault of the LMDB 0.9.90 fork in lmdb-js's prebuilt binary, with plain
// lmdb-js and none of this library's code: writer processes commit batches into one larger store.
// Usage: node --import tsx harness/repro/free-list.ts [--engine own|prebuilt] [--writers 3] [--seconds 3] [--rounds 5] [--fsync]
// `--engine own` (the default) runs this package's engine (LMDB 0.9.29, lib/engine); `--engine prebuilt`
// runs stock lmdb-js as an application installs it, with its prebuilt LMDB 0.9.90 fork. Prints, per
// round, how many writers failed and their errors; exits 1 when any did.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { execa } from "execa";
import * as stock from "lmdb";
import { engineName } from "../../lib/engine/index.ts";
import { type Rng, seededRng } from "../shared/rng.ts";
import { parseCommandLine } from "../shared/args.ts";

const ENTRIES = 100_000;
const BATCH = 100;
const key = (i: number) => Buffer.from(`key:${String(i).padStart(6, "0")}`);
const value = (rng: Rng, fill: number) => Buffer.alloc(rng.int(200, 1799), fill);

type EngineChoice = "own" | "prebuilt";

type Engine = Pick<typeof import("#engine"), "open" | "version">;

async function engineOf(choice: EngineChoice): Promise<Engine> {
  // Stock lmdb-js has the same open and version (it exports the version untyped).
  if (choice === "prebuilt") return stock as unknown as Engine;
  return import("#engine");
}

async function store(choice: EngineChoice, path: string, fsync: boolean) {
  return (await engineOf(choice)).open<Buffer, Buffer>({ path, noSubdir: false, noSync: !fsync, overlappingSync: false, keyEncoding: "binary", encoding: "binary" });
}

async function writer(choice: EngineChoice, path: string, seconds: number, fsync: boolean): Promise<void> {
  const db = await store(choice, path, fsync);
  const rng = seededRng(process.pid);
  const end = Date.now() + seconds * 1000;
  let batches = 0;
  while (Date.now() < end) {
    db.transactionSync(() => {
      for (let j = 0; j < BATCH; j++) db.putSync(key(rng.int(0, ENTRIES - 1)), value(rng, 2));
    });
    batches++;
  }
  process.stdout.write(`${batches}\n`);
}

async function main(): Promise<number> {
  const { values } = parseCommandLine({
    writers: { type: "string", default: "3" },
    seconds: { type: "string", default: "3" },
    rounds: { type: "string", default: "5" },
    fsync: { type: "boolean", default: false },
    engine: { type: "string", default: "own" },
    "as-writer": { type: "string" },
  });
  if (values.engine !== "own" && values.engine !== "prebuilt") throw new Error("--engine is own or prebuilt");
  const choice: EngineChoice = values.engine;
  if (values["as-writer"]) {
    await writer(choice, values["as-writer"], Number(values.seconds), values.fsync);
    return 0;
  }
  console.log(engineName((await engineOf(choice)).version));
  const dir = mkdtempSync(join(tmpdir(), "lmdb-free-list-"));
  try {
    const db = await store(choice, dir, values.fsync);
    const rng = seededRng(1);
    for (let start = 0; start < ENTRIES; start += 1000) {
      db.transactionSync(() => {
        for (let i = start; i < start + 1000; i++) db.putSync(key(i), value(rng, 1));
      });
    }
    await db.close();
    const self = fileURLToPath(import.meta.url);
    let failed = 0;
    for (let round = 1; round <= Number(values.rounds); round++) {
      const runs = await Promise.all(
        Array.from({ length: Number(values.writers) }, () =>
          execa("node", ["--import", "tsx", self, "--engine", choice, "--as-writer", dir, "--seconds", values.seconds, ...(values.fsync ? ["--fsync"] : [])], {
            reject: false,
          }),
        ),
      );
      const errors = runs.filter((run) => run.exitCode !== 0);
      failed += errors.length;
      const why = errors.map((run) => (run.signal ?? run.stderr.split("\n").find((line) => line.includes("MDB_")) ?? "").slice(0, 120));
      console.log(`round ${round}: ${errors.length} of ${runs.length} writers failed${why.length ? `: ${why.join(" | ")}` : ""}`);
    }
    return failed > 0 ? 1 : 0;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

process.exitCode = await main();
