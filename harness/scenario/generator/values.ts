// Every value a scenario writes carries the tag of the write that made it, so a read names its write.

/** The shapes a stamped value takes, so writes cover strings, objects and arrays alike. */
export type Shape = "string" | "object" | "array";

export function stampValue(tag: string, shape: Shape, payload: unknown): unknown {
  switch (shape) {
    case "string":
      return `${tag}|${typeof payload === "string" ? payload : JSON.stringify(payload)}`;
    case "object":
      return { tag, data: payload };
    case "array":
      return [tag, payload];
  }
}

/** The tag of a stamped value, or undefined when the value is not one (a sign of corruption or a leak). */
export function tagOf(value: unknown): string | undefined {
  if (typeof value === "string") {
    const bar = value.indexOf("|");
    return bar < 0 ? undefined : value.slice(0, bar);
  }
  if (Array.isArray(value)) return typeof value[0] === "string" ? value[0] : undefined;
  if (typeof value === "object" && value !== null && "tag" in value) {
    const { tag } = value as { tag: unknown };
    return typeof tag === "string" ? tag : undefined;
  }
  return undefined;
}

/** Equal JSON values have equal canonical text (key order as written, which every codec keeps). */
export function canonical(value: unknown): string {
  return JSON.stringify(value) ?? "undefined";
}

/** A value shortened for failure messages. */
export function preview(value: unknown): string {
  const text = canonical(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
