import type { CheckOutcome } from "../scenario.ts";

/** Keeps the first failures of a check word for word and counts the rest. */
export class Failures {
  private readonly kept: string[] = [];
  private more = 0;
  checked = 0;

  constructor(private readonly limit = 20) {}

  add(message: string): void {
    if (this.kept.length < this.limit) this.kept.push(message);
    else this.more++;
  }

  outcome(): CheckOutcome {
    const failures = [...this.kept];
    if (this.more > 0) failures.push(`... and ${this.more} more`);
    return { checked: this.checked, failures };
  }
}

/** A time as an offset from the barrier's release, for messages. */
export function at(time: number, origin: number): string {
  if (time === Infinity) return "never";
  return `+${(time - origin).toFixed(3)}ms`;
}
