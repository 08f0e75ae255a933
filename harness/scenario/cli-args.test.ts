import { describe, expect, it } from "vitest";
import { UsageError } from "../shared/args.ts";
import { parseCliArgs } from "./cli-args.ts";

describe("parseCliArgs", () => {
  it("reads a scenario with every option", () => {
    const args = parseCliArgs("ttl --writers 3 --readers 0 --runs 9 --seed=-7 --path 1:2 --backend both --duration 5000 --shrinks 4".split(" "));
    expect(args).toEqual({
      kind: "run",
      name: "ttl",
      writers: 3,
      readers: 0,
      runs: 9,
      seed: -7,
      path: "1:2",
      planFile: undefined,
      backends: ["lmdb", "level"],
      durationMs: 5000,
      shrinks: 4,
      record: false,
    });
  });

  it("defaults to LMDB and leaves the rest to the scenario", () => {
    expect(parseCliArgs(["crash"])).toMatchObject({ kind: "run", name: "crash", backends: ["lmdb"], writers: undefined, seed: undefined });
    expect(parseCliArgs(["--", "crash"])).toMatchObject({ name: "crash" });
    expect(parseCliArgs(["--list"])).toEqual({ kind: "list" });
    expect(parseCliArgs(["crash", "--plan", "saved.json.gz"])).toMatchObject({ planFile: "saved.json.gz" });
    expect(parseCliArgs(["crash", "--record"])).toMatchObject({ name: "crash", record: true });
    expect(parseCliArgs(["crash", "--backend", "redis"])).toMatchObject({ backends: ["redis"] });
    expect(parseCliArgs(["crash", "--backend", "lmdb,redis"])).toMatchObject({ backends: ["lmdb", "redis"] });
  });

  it("refuses what it cannot run", () => {
    for (const argv of [[], ["a", "b"], ["ttl", "--writers", "-1"], ["ttl", "--runs", "0"], ["ttl", "--backend", "mongo"], ["ttl", "--backend", "lmdb,lmdb"], ["ttl", "--backend", "lmdb,"], ["ttl", "--path", "1"], ["ttl", "--seed", "x"], ["ttl", "--bogus"], ["ttl", "--seed", "1", "--path", "0", "--plan", "p.json"]]) {
      expect(() => parseCliArgs(argv), argv.join(" ")).toThrow(UsageError);
    }
  });
});
