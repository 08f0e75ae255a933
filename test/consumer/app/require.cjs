// A CommonJS application: require() of the package (Node loads its ES module entry), then open, set,
// get and close, and a typed error after close. Prints one JSON line. Usage: require.cjs <path>
const { isCacheError, openLmdbCache } = require("@promethean/lmdb-cache");

async function main(path) {
  const cache = await openLmdbCache({ path });
  await cache.set("k", { from: "require" });
  const value = await cache.get("k");
  await cache.close();
  const closed = await cache.get("k").catch((error) => (isCacheError(error) ? error.code : String(error)));
  console.log(JSON.stringify({ value, closed }));
}

main(process.argv[2]).catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
