# The engine's addon: lmdb-js's C++ binding over LMDB 0.9.29, both patched by this package
# (lib/engine/patches). lib/engine/build.mjs lays the sources out beside this file. Pure Node-API
# (no V8 internals), so one binary serves every Node version from 20 on.
{
  "targets": [
    {
      "target_name": "lmdb_cache",
      "sources": [
        "src/lmdb-js.cpp",
        "src/writer.cpp",
        "src/env.cpp",
        "src/compression.cpp",
        "src/ordered-binary.cpp",
        "src/misc.cpp",
        "src/txn.cpp",
        "src/dbi.cpp",
        "src/cursor.cpp",
        "src/v8-functions.cpp",
        "dependencies/lmdb-data-v1/libraries/liblmdb/mdb.c",
        "dependencies/lmdb-data-v1/libraries/liblmdb/midl.c",
        "dependencies/lz4/lib/lz4.c"
      ],
      "include_dirs": [
        "node-addon-api",
        "dependencies/lz4/lib",
        "dependencies/lmdb-data-v1/libraries/liblmdb"
      ],
      # MDB_USE_ROBUST: a process that dies holding LMDB's write lock does not stall the others.
      "defines": ["MDB_MAXKEYSIZE=0", "MDB_USE_ROBUST", "NAPI_DISABLE_CPP_EXCEPTIONS"],
      "conditions": [
        ["OS=='linux'", {
          # Hidden symbols: LMDB's functions never bind to another LMDB loaded in the process.
          "cflags": ["-fPIC", "-fvisibility=hidden", "-O3"],
          "cflags_cc": ["-fPIC", "-fvisibility=hidden", "-fvisibility-inlines-hidden", "-Wno-strict-aliasing", "-Wno-unused-result", "-Wno-cast-function-type"],
          "ldflags": ["-fPIC", "-fvisibility=hidden"]
        }],
        ["OS=='mac'", {
          "xcode_settings": { "GCC_SYMBOLS_PRIVATE_EXTERN": "YES", "OTHER_CFLAGS": ["-O3"] }
        }],
        ["OS=='win'", {
          "libraries": ["ntdll.lib", "synchronization.lib"]
        }]
      ]
    }
  ]
}
