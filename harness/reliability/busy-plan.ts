// Keys and values of the busy-writers campaign: a larger store, values of 0.2 to 1.8 KB that name
// their key and the batch that wrote them, so a read-back can tell a misplaced or torn value.

export const busyKey = (i: number) => `k${String(i).padStart(7, "0")}`;

export type BusyValue = { key: string; writer: number; batch: number; pad: string };

export function busyValue(key: string, writer: number, batch: number, padBytes: number): BusyValue {
  return { key, writer, batch, pad: "x".repeat(padBytes) };
}

export function isBusyValue(key: string, value: unknown): boolean {
  const v = value as Partial<BusyValue> | undefined;
  return v?.key === key && typeof v.writer === "number" && typeof v.batch === "number" && typeof v.pad === "string";
}
