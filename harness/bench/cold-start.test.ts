import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { execa } from "execa";
import { afterAll, describe, expect, it } from "vitest";

// The cold-start fixture on its own, with stand-in entry points: what it reports and how it fails.
// Its timings are only checked for consistency, never for speed.

const FIXTURE = fileURLToPath(new URL("./fixtures/cold-start.mjs", import.meta.url));

const dirs: string[] = [];
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

async function entryPoint(source: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "cold-start-test-"));
  dirs.push(dir);
  const file = join(dir, "entry.mjs");
  await writeFile(file, source);
  return pathToFileURL(file).href;
}

const fixture = (specifier: string, opener: string) =>
  execa("node", [FIXTURE, JSON.stringify({ specifier, opener, dir: "/nowhere", key: "user:0000001" })], { reject: false });

describe("the cold-start fixture", () => {
  it("opens through the named export, reads the key and reports the phases from the process start", async () => {
    const entry = await entryPoint(
      "export async function openIt({ path }) { return { get: async (key) => ({ path, key }), close: async () => {} }; }\n",
    );
    const run = await fixture(entry, "openIt");
    expect(run.exitCode, run.stderr).toBe(0);
    const report = JSON.parse(run.stdout) as Record<string, unknown> & Record<"bootMs" | "importMs" | "openMs" | "getMs" | "firstGetMs", number>;
    expect(report.value).toEqual({ path: "/nowhere", key: "user:0000001" });
    expect(report.resolved).toBe(entry);
    expect(report.firstGetMs).toBeCloseTo(report.bootMs + report.importMs + report.openMs + report.getMs, 6);
    for (const phase of ["bootMs", "importMs", "openMs", "getMs"] as const) expect(report[phase]).toBeGreaterThanOrEqual(0);
  });

  it("fails loudly when the entry point cannot be imported", async () => {
    const run = await fixture("@promethean/no-such-package", "openIt");
    expect(run.exitCode).toBe(1);
    expect(run.stdout).toBe("");
    expect(run.stderr).toContain("cold-start: cannot import @promethean/no-such-package");
  });

  it("fails loudly when the entry point lacks the opener", async () => {
    const run = await fixture(await entryPoint("export const other = 1;\n"), "openIt");
    expect(run.exitCode).toBe(1);
    expect(run.stderr).toContain("exports no function openIt (exports: other)");
  });
});
