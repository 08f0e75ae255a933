/** The prebuilt binary for this platform, under the engine directory (dist/engine). */
export function prebuiltAddon(engineDir: string): string;
/** The binary compiled from the package's sources. */
export function compiledAddon(engineDir: string): string;
/** Where the addon may be, best first. */
export function addonCandidates(engineDir: string): string[];
/** The first addon that loads, with its file; or, when none does, why each one there failed. */
export function findAddon(engineDir: string): { addon: unknown; file: string | undefined; failures: string[] };
/** Loads the first addon that loads; throws (code ENGINE_MISSING) naming the command that builds one. */
export default function loadAddon(engineDir: string): unknown;
