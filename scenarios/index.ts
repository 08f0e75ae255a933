// Every scenario `pnpm scenario` knows, in the order `--list` shows them. A new scenario is one file
// in this folder (see the Scenario type in harness/scenario.ts) and one line here.
import type { Scenario } from "../harness/scenario.ts";
import { concurrentWriters } from "./concurrent-writers.ts";

export const scenarios: ReadonlyArray<Scenario> = [concurrentWriters];
