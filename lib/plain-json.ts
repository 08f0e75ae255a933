import { CacheError } from "./errors.ts";

// A value is "plain JSON" when JSON.parse(JSON.stringify(value)) would give back an equal value and
// MessagePack carries it exactly: such values take the faster binary form, all others JSON text.

/** Deeper values take the JSON text form, whose own errors (a cycle, say) then apply. */
const MAX_DEPTH = 256;

function reject(kind: string): never {
  throw new CacheError("CACHE_INVALID_VALUE", `a ${kind} cannot be stored`);
}

export function isPlainJson(value: unknown, depth = 0): boolean {
  switch (typeof value) {
    case "string":
      return value.isWellFormed();
    case "number":
      return Number.isFinite(value) && !Object.is(value, -0);
    case "boolean":
      return true;
    case "function":
    case "symbol":
      return reject(typeof value);
    case "object":
      break;
    default:
      return false;
  }
  if (value === null) return true;
  if (depth >= MAX_DEPTH) return false;
  if (Array.isArray(value)) {
    if (Object.getPrototypeOf(value) !== Array.prototype) return false;
    for (let i = 0; i < value.length; i++) {
      if (!(i in value) || !isPlainJson(value[i], depth + 1)) return false;
    }
    return true;
  }
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return false;
  const record = value as Record<string, unknown>;
  if (typeof record.toJSON === "function") return false;
  for (const key in record) {
    if (key === "__proto__" || !key.isWellFormed() || !isPlainJson(record[key], depth + 1)) return false;
  }
  return true;
}
