// Values of the growth campaign: large, and recognisable from their key, so a read-back can tell a
// whole value from a damaged or misplaced one.

export const growKey = (n: number, i: number) => `v${n}/${i}`;

export function growValue(ns: string, n: number, i: number, bytes: number): string {
  const head = `${ns}:${growKey(n, i)}:`;
  return head + String.fromCharCode(97 + ((n * 31 + i) % 26)).repeat(bytes - head.length);
}

export function isGrowValue(ns: string, key: string, value: unknown, bytes: number): boolean {
  const match = /^v(-?\d+)\/(\d+)$/.exec(key);
  return match !== null && value === growValue(ns, Number(match[1]), Number(match[2]), bytes);
}
