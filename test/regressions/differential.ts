// Shrunk counterexamples of the differential test, replayed before the random programs. Each one
// caught a wrong model or a broken reference while the test was built; `why` names what it guards.
import type { Program } from "../differential/program.ts";

export const REGRESSIONS: ReadonlyArray<{ why: string; program: Program }> = [
  {
    why: "an entry whose expiry equals now is expired",
    program: JSON.parse(
      '{"namespace":"","views":[[],[]],"commands":[{"op":"batch","view":0,"ops":[{"type":"put","key":"a\u241F","value":{"json":{}},"ttl":10}]},{"op":"advance","ms":10},{"op":"entries","view":0}]}',
    ),
  },
  {
    why: "level-cache's root entries() lists other namespaces under their stored key",
    program: JSON.parse(
      '{"namespace":"","views":[[],["\\u0000"]],"commands":[{"op":"set","view":3,"key":"a","value":{"undefined":true},"ttl":10},{"op":"entries","view":0},{"op":"sweep","view":0}]}',
    ),
  },
  {
    why: "level-cache's namespace range stops before \\uFFFF",
    program: JSON.parse(
      '{"namespace":"","views":[[],["a"]],"commands":[{"op":"set","view":7,"key":"\\uFFFF","value":{"json":{}},"ttl":10},{"op":"entries","view":7},{"op":"advance","ms":1}]}',
    ),
  },
  {
    why: "entries() deletes the expired entries it passes",
    program: JSON.parse(
      '{"namespace":"a","views":[[],[]],"commands":[{"op":"set","view":0,"key":"a","value":{"json":{}},"ttl":10},{"op":"advance","ms":1000},{"op":"entries","view":0},{"op":"sweep","view":0},{"op":"entries","view":0}]}',
    ),
  },
  {
    why: "set without ttlMs takes defaultTtlMs",
    program: JSON.parse(
      '{"namespace":"a","defaultTtlMs":10,"views":[[],[]],"commands":[{"op":"set","view":0,"key":"","value":{"json":[]}},{"op":"advance","ms":1000},{"op":"sweep","view":0}]}',
    ),
  },
  {
    why: "a key holding U+241F aliases another namespace in level-cache only; a NaN TTL",
    program: JSON.parse(
      '{"namespace":"app","views":[[],[]],"commands":[{"op":"set","view":0,"key":"a\u241F","value":{"json":[]}},{"op":"entries","view":0},{"op":"set","view":0,"key":"","value":{"json":0},"ttl":"NaN"}]}',
    ),
  },
  {
    why: "entries({ limit: 0 }) yields nothing and deletes nothing",
    program: JSON.parse(
      '{"namespace":"","views":[[],[]],"commands":[{"op":"set","view":0,"key":"","value":{"json":{}},"ttl":10},{"op":"entries","view":0,"limit":0},{"op":"advance","ms":1}]}',
    ),
  },
  {
    why: "sweepExpired deletes what it counts",
    program: JSON.parse(
      '{"namespace":"","views":[[],[]],"commands":[{"op":"set","view":0,"key":"","value":{"json":[]},"ttl":10},{"op":"advance","ms":1000},{"op":"sweep","view":0},{"op":"sweep","view":0}]}',
    ),
  },
];
