// The other process of test/keyv/multi-process.test.ts: keyv (and cache-manager over it) on a keyv
// store at the path it is given, running each call the parent sends over IPC and answering it.
// Usage (started through harness/shared/child.ts): keyv-process.ts '{"path":"...","namespace":"..."}'
import { createCache } from "cache-manager";
import Keyv from "keyv";
import { KeyvLmdbCache } from "../../lib/keyv/index.ts";

export type KeyvCall =
  | { type: "get"; keys: string[] }
  | { type: "setMany"; entries: Array<{ key: string; value: unknown }> }
  | { type: "delete"; key: string }
  | { type: "clear" }
  /** `batches` setMany calls of `size` keys `${prefix}${i}`, one after another. */
  | { type: "fill"; prefix: string; batches: number; size: number }
  /** cache-manager's wrap; the value computed here is "computed in <pid>". */
  | { type: "wrap"; key: string }
  | { type: "done" };

export type KeyvAnswer = { type: "ready" } | { type: "answer"; value: unknown } | { type: "failed"; code: string };

const { path, namespace } = JSON.parse(process.argv[2]!) as { path: string; namespace: string };
const keyv = new Keyv({ store: new KeyvLmdbCache({ path }), namespace, throwOnErrors: true });
const manager = createCache({ stores: [keyv] });

async function run(call: KeyvCall): Promise<unknown> {
  switch (call.type) {
    case "get":
      return keyv.getMany(call.keys);
    case "setMany":
      return keyv.setMany(call.entries);
    case "delete":
      return keyv.delete(call.key);
    case "clear":
      return keyv.clear();
    case "fill":
      for (let batch = 0; batch < call.batches; batch++) {
        const first = batch * call.size;
        await keyv.setMany(Array.from({ length: call.size }, (_, i) => ({ key: `${call.prefix}${first + i}`, value: first + i })));
      }
      return call.batches * call.size;
    case "wrap":
      return manager.wrap(call.key, async () => `computed in ${process.pid}`, 60_000);
    case "done":
      await keyv.disconnect();
      process.disconnect();
      return undefined;
  }
}

const answer = (message: KeyvAnswer) => process.send!(message);

process.on("message", (call: KeyvCall) => {
  run(call).then(
    (value) => call.type === "done" || answer({ type: "answer", value }),
    (error: unknown) => answer({ type: "failed", code: (error as { code?: string }).code ?? String(error) }),
  );
});
answer({ type: "ready" });
