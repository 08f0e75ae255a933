// How the harness and the test kit name an error in what they record: by its code, in the few forms
// their records need.

/** A `code` when the error has one, else its class name (level's JSON errors have no code), else its text. */
export function errorCode(error: unknown): string {
  if (typeof error === "object" && error !== null) {
    const { code, name } = error as { code?: unknown; name?: unknown };
    if (typeof code === "string") return code;
    if (typeof name === "string") return name;
  }
  return String(error);
}

/** A CacheError's code, or "untyped" for anything else: what the campaigns count. */
export function cacheErrorCode(error: unknown): string {
  const { name, code } = (error ?? {}) as { name?: unknown; code?: unknown };
  return name === "CacheError" && typeof code === "string" ? code : "untyped";
}

/** Error codes along the cause chain, outermost first (level reports LEVEL_LOCKED as the cause). */
export function errorCodes(error: unknown): string[] {
  const codes: string[] = [];
  for (let current = error, depth = 0; current instanceof Object && depth < 8; depth++) {
    const { code, cause } = current as { code?: unknown; cause?: unknown };
    if (typeof code === "string") codes.push(code);
    current = cause;
  }
  return codes;
}

export type ErrorSummary = { code?: string; causeCode?: string; message: string };

/** The error's code, its cause's code and its message, as plain JSON that crosses to another process. */
export function errorSummary(error: unknown): ErrorSummary {
  const { code, cause, message } = (error ?? {}) as { code?: unknown; cause?: { code?: unknown }; message?: unknown };
  return {
    code: typeof code === "string" ? code : undefined,
    causeCode: typeof cause?.code === "string" ? cause.code : undefined,
    message: typeof message === "string" ? message : String(error),
  };
}
