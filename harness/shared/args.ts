// The harness's one command-line parser: node's parseArgs, strict, with "--" dropped (`pnpm x -- a`
// passes it through), usage mistakes told apart from failures, and numbers checked as they are read.
import { type ParseArgsConfig, parseArgs } from "node:util";

export class UsageError extends Error {}

type Options = NonNullable<ParseArgsConfig["options"]>;
type Parsed<O extends Options> = ReturnType<typeof parseArgs<{ args: string[]; options: O; allowPositionals: true; strict: true }>>;

/** The flags and positionals of `argv`; an unknown flag or a missing value is a UsageError. */
export function parseCommandLine<const O extends Options>(options: O, argv: readonly string[] = process.argv.slice(2)): Parsed<O> {
  try {
    return parseArgs({ args: argv.filter((arg) => arg !== "--"), options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

/** A flag's whole number, at least `min`; undefined when the flag is absent. */
export function wholeNumber(value: string | undefined, name: string, min: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < min) throw new UsageError(`--${name} takes a whole number of at least ${min}, got ${JSON.stringify(value)}`);
  return n;
}

/** A flag's integer, negative ones included; undefined when the flag is absent. */
export function integer(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isSafeInteger(n)) throw new UsageError(`--${name} takes an integer, got ${JSON.stringify(value)}`);
  return n;
}
