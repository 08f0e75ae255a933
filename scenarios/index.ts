// Every scenario `pnpm scenario` knows, in the order `--list` shows them. A new scenario is one file
// in this folder (see the Scenario type in harness/scenario/scenario.ts) and one line here.
import type { Scenario } from "../harness/scenario/scenario.ts";
import { batchAtomicity } from "./batch-atomicity.ts";
import { concurrentReaders } from "./concurrent-readers.ts";
import { concurrentWriters } from "./concurrent-writers.ts";
import { crash } from "./crash.ts";
import { eviction } from "./eviction.ts";
import { namespaces } from "./namespaces.ts";
import { reopen } from "./reopen.ts";
import { ttl } from "./ttl.ts";

export const scenarios: ReadonlyArray<Scenario> = [concurrentWriters, concurrentReaders, ttl, namespaces, batchAtomicity, crash, reopen, eviction];
