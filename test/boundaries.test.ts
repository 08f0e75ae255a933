// lib/ is the product: nothing in it depends on the harness or the test kit. The rule, for every file of
// lib/ (sources, engine scripts, the library's own tests and fixtures): an import names a node: builtin,
// a package (node_modules), #engine, or a path inside lib/; a file found by URL (a fixture to fork, the
// built engine) lies inside lib/, dist/ (where #engine points) or node_modules/.
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = resolve(import.meta.dirname, "..");
const LIB = join(ROOT, "lib");
const SOURCE = /\.(ts|mts|cts|mjs|cjs|js)$/;

const IMPORTS = [
  /\b(?:import|export)\s[^;]*?\bfrom\s*["']([^"']+)["']/g,
  /\bimport\s*["']([^"']+)["']/g,
  /\bimport\s*\(\s*["']([^"']+)["']\s*\)/g,
  /\brequire\s*\(\s*["']([^"']+)["']\s*\)/g,
];
const URLS = /\bnew URL\(\s*["'`]([^"'`$]+)/g;

function matches(text: string, pattern: RegExp): string[] {
  return [...text.matchAll(pattern)].map((m) => m[1]!);
}

/** Where `file`'s imports and URLs reach outside what the rule allows, as "specifier" descriptions. */
function outsideLib(file: string, text: string): string[] {
  const inside = (target: string, roots: string[]) => roots.some((root) => target === root || target.startsWith(root + sep));
  const found: string[] = [];
  for (const specifier of IMPORTS.flatMap((pattern) => matches(text, pattern))) {
    if (!specifier.startsWith(".") && !specifier.startsWith("/")) continue;
    if (!inside(resolve(dirname(file), specifier), [LIB])) found.push(`imports ${specifier}`);
  }
  for (const url of matches(text, URLS)) {
    if (!url.startsWith(".")) continue;
    if (!inside(resolve(dirname(file), url), [LIB, join(ROOT, "dist"), join(ROOT, "node_modules")])) found.push(`finds ${url}`);
  }
  return found;
}

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return SOURCE.test(entry.name) ? [path] : [];
  });
}

describe("lib/ depends on nothing outside it", () => {
  it("imports only builtins, packages, #engine and lib/ itself, in every file", () => {
    const files = sources(LIB);
    expect(files.length).toBeGreaterThan(50);
    const outside = files.flatMap((file) => outsideLib(file, readFileSync(file, "utf8")).map((what) => `${relative(ROOT, file)} ${what}`));
    expect(outside).toEqual([]);
  });

  it("catches a file that reaches into the harness or the test kit", () => {
    const file = join(LIB, "example.test.ts");
    expect(outsideLib(file, 'import { x } from "../harness/shared/rng.ts";')).toEqual(["imports ../harness/shared/rng.ts"]);
    expect(outsideLib(file, 'export { y } from "../test/reference/level-cache.ts";')).toEqual(["imports ../test/reference/level-cache.ts"]);
    expect(outsideLib(file, 'const m = await import("../scenarios/index.ts");')).toEqual(["imports ../scenarios/index.ts"]);
    expect(outsideLib(file, 'const f = new URL("../harness/bench/worker.ts", import.meta.url);')).toEqual(["finds ../harness/bench/worker.ts"]);
    expect(outsideLib(file, 'import "./index.ts";\nimport { open } from "#engine";\nimport fc from "fast-check";\nconst e = new URL("../dist/engine/", import.meta.url);')).toEqual([]);
  });
});
