// How the campaigns' workers name an error: a CacheError's code, or "untyped" for anything else.

export function codeOf(error: unknown): string {
  const { name, code } = (error ?? {}) as { name?: unknown; code?: unknown };
  return name === "CacheError" && typeof code === "string" ? code : "untyped";
}
