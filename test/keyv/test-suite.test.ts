// keyv's own adapter test suite (@keyv/test-suite, the one the official stores run) against this
// store: the API, value and namespace tests, and the iterator tests. The iterator tests call
// `keyv.iterator()`, which keyv 5 wires to the store's own `iterator(namespace)` because the store's
// `opts.dialect` is one keyv lists (see lib/keyv/store.ts); the first of them fails if it is not wired.
import keyvTestSuite, { keyvIteratorTests } from "@keyv/test-suite";
import Keyv from "keyv";
import * as vitest from "vitest";
import { KeyvLmdbCache } from "../../lib/keyv/index.ts";
import { tempDir } from "../../lib/test-support.ts";

let path = "";
const stores: KeyvLmdbCache[] = [];

// Every test gets a cache of its own; each store the suite makes in it opens that path.
vitest.beforeEach(() => {
  path = tempDir();
});
vitest.afterEach(async () => {
  await Promise.all(stores.splice(0).map((store) => store.disconnect()));
});

const store = () => {
  const made = new KeyvLmdbCache({ path });
  stores.push(made);
  return made;
};

keyvTestSuite(vitest, Keyv, store);
keyvIteratorTests(vitest, Keyv, store);
