// The application's own lmdb-js database, as an app that uses lmdb-js directly keeps it.
// Usage: app-db.mjs write|read <dir>; prints the LMDB that lmdb-js runs.
import { open, version } from "lmdb";

const [mode, dir] = process.argv.slice(2);
const db = open({ path: dir });
if (mode === "write") {
  for (let i = 0; i < 1000; i++) await db.put(`k${i}`, { i, text: `value ${i}` });
} else {
  for (let i = 0; i < 1000; i++) {
    const value = db.get(`k${i}`);
    if (value?.i !== i) throw new Error(`the app's own database lost k${i}: ${JSON.stringify(value)}`);
  }
}
await db.close();
console.log(version.versionString);
