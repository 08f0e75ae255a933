/** Where the addon may be, best first, for the engine directory (dist/engine). */
export function addonCandidates(engineDir: string): string[];
/** Loads the first addon that loads; throws (code ENGINE_MISSING) naming the command that builds one. */
export default function loadAddon(engineDir: string): unknown;
