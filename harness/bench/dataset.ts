import { mixSeed, type Rng, seededRng } from "../shared/rng.ts";

// The data sets: user-profile records of the kind services cache, a few hundred bytes to a few
// kilobytes of JSON each, derived from (seed, index) alone so any process can rebuild any entry.

export type Profile = {
  id: number;
  handle: string;
  email: string;
  name: string;
  createdAt: string;
  lastSeenMs: number;
  roles: string[];
  flags: { beta: boolean; verified: boolean; suspended: boolean };
  prefs: { theme: string; locale: string; timezone: string; pageSize: number };
  cart: { sku: string; qty: number; priceCents: number }[];
  bio: string;
};

const WORDS = [
  "cache", "latency", "river", "orange", "window", "signal", "market", "garden", "pixel", "harbor",
  "quartz", "meadow", "engine", "lantern", "violet", "summit", "copper", "thread", "canyon", "ember",
  "falcon", "glacier", "island", "jungle", "kettle", "lemon", "marble", "nectar", "olive", "pepper",
];
const ROLES = ["admin", "editor", "viewer", "billing", "support", "owner"];
const THEMES = ["light", "dark", "system"];
const LOCALES = ["en-GB", "en-US", "fr-FR", "de-DE", "ja-JP", "pt-BR", "es-ES"];
const ZONES = ["Europe/London", "America/New_York", "Asia/Tokyo", "Europe/Berlin", "America/Sao_Paulo"];

function words(rng: Rng, count: number): string {
  const out: string[] = [];
  for (let i = 0; i < count; i++) out.push(rng.pick(WORDS));
  return out.join(" ");
}

/** The key of entry `index`: fixed width, so byte order is index order. */
export function keyOf(index: number): string {
  return `user:${String(index).padStart(7, "0")}`;
}

/** The value of entry `index` in the data set of `seed`; `version` varies it for writes. */
export function valueOf(seed: number, index: number, version = 0): Profile {
  const rng = seededRng(mixSeed(seed, index, version));
  // Bio length is skewed: most short, some long (about 40 to 2000 characters).
  const bioWords = 5 + Math.floor(250 * rng.next() ** 3);
  const cart: Profile["cart"] = [];
  for (let i = rng.below(6); i > 0; i--) {
    cart.push({ sku: `SKU-${rng.below(1e6)}`, qty: 1 + rng.below(4), priceCents: 99 + rng.below(50_000) });
  }
  const first = rng.pick(WORDS);
  return {
    id: index,
    handle: `${first}_${index}`,
    email: `${first}.${index}@example.com`,
    name: `${first[0]!.toUpperCase()}${first.slice(1)} ${rng.pick(WORDS)}`,
    createdAt: new Date(1_600_000_000_000 + rng.below(1e9) * 100).toISOString(),
    lastSeenMs: 1_700_000_000_000 + rng.below(1e9) * 10,
    roles: ROLES.filter(() => rng.next() < 0.3),
    flags: { beta: rng.next() < 0.2, verified: rng.next() < 0.8, suspended: rng.next() < 0.02 },
    prefs: { theme: rng.pick(THEMES), locale: rng.pick(LOCALES), timezone: rng.pick(ZONES), pageSize: 10 * (1 + rng.below(10)) },
    cart,
    bio: words(rng, bioWords),
  };
}

/** The hot set: `count` entries spread evenly over the data set. */
export function hotIndexes(size: number, count: number): number[] {
  const n = Math.min(size, count);
  return Array.from({ length: n }, (_, i) => Math.floor((i * size) / n));
}
