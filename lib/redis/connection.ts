// The one place that talks to node-redis: loading it (an optional peer dependency), connecting within
// a bound, and sending commands that fail within a bound instead of waiting for a server that is gone.
import { CacheError } from "../errors.ts";

/**
 * What the cache needs of a node-redis client (`createClient()` of `redis` 6 gives one). Spelled with
 * Uint8Array, of which Buffer is a kind, so the package's types need no @types/node.
 */
export type RedisClientLike = {
  readonly isReady: boolean;
  sendCommand(args: ReadonlyArray<string | Uint8Array>, options?: object): Promise<unknown>;
  multi(): { addCommand(args: ReadonlyArray<string | Uint8Array>): unknown; exec(): Promise<unknown> };
};

type OwnClient = RedisClientLike & {
  connect(): Promise<unknown>;
  close(): Promise<void>;
  destroy(): void;
  on(event: "error", listener: (error: unknown) => void): unknown;
};

type RedisModule = {
  createClient(options: object): OwnClient;
  RESP_TYPES: { BLOB_STRING: number };
  ErrorReply: new (...args: never[]) => Error;
};

/** `redis` is loaded only by openRedisCache, so only an application that uses Redis needs it installed. */
export async function loadRedis(): Promise<RedisModule> {
  try {
    return (await import("redis")) as unknown as RedisModule;
  } catch (error) {
    throw new CacheError(
      "CACHE_MISSING_DEPENDENCY",
      "the Redis backend needs the `redis` package (node-redis 6), an optional peer dependency: `npm install redis`",
      { cause: error },
    );
  }
}

/** Replies that say the credentials were refused: retrying with them cannot help. */
const DENIED = /^(WRONGPASS|NOAUTH|NOPERM)\b/;
/** Replies of a server that is up but cannot serve now. */
const BUSY = /^(LOADING|BUSY|MASTERDOWN|TRYAGAIN|CLUSTERDOWN)\b/;

/** A failure of node-redis or of the server as a CacheError; anything not a server reply means the server could not be reached. */
export function redisFailure(redis: RedisModule, error: unknown, what: string): CacheError {
  if (error instanceof CacheError) return error;
  const detail = error instanceof Error ? error.message : String(error);
  let code: CacheError["code"] = "CACHE_UNAVAILABLE";
  if (error instanceof redis.ErrorReply) {
    if (DENIED.test(detail)) code = "CACHE_ACCESS_DENIED";
    else if (detail.startsWith("OOM ")) code = "CACHE_FULL";
    else if (!BUSY.test(detail)) code = "CACHE_IO";
  }
  return new CacheError(code, `${what}: ${detail}`, { cause: error });
}

/** Rejects with CACHE_UNAVAILABLE once `ms` pass without `work` settling. */
export function within<R>(work: Promise<R>, ms: number, what: string): Promise<R> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new CacheError("CACHE_UNAVAILABLE", `${what}: no answer from Redis within ${ms} ms`)), ms);
  });
  return Promise.race([work, late]).finally(() => clearTimeout(timer));
}

export type ConnectOptions = { url: string | undefined; connectTimeoutMs: number };

// Between reconnection attempts: doubling from 50 ms up to 1 s, so a restarted server is found again
// within about a second, and a server that stays down costs one attempt a second.
const FIRST_RETRY_MS = 50;
const MAX_RETRY_MS = 1000;

/**
 * A client of our own, connected within `connectTimeoutMs`. Commands sent while it is disconnected fail
 * at once (no offline queue); it reconnects in the background, except after refused credentials.
 */
export async function connectOwnClient(redis: RedisModule, { url, connectTimeoutMs }: ConnectOptions): Promise<OwnClient> {
  let denied: unknown;
  let client: OwnClient;
  try {
    client = redis.createClient({
      url,
      disableOfflineQueue: true,
      socket: {
        connectTimeout: connectTimeoutMs,
        reconnectStrategy: (retries: number, cause: unknown) => {
          if (cause instanceof redis.ErrorReply && DENIED.test(cause.message)) return (denied = cause);
          return Math.min(FIRST_RETRY_MS * 2 ** retries, MAX_RETRY_MS);
        },
      },
    });
  } catch (error) {
    throw new CacheError("CACHE_INVALID_OPTION", `url is not a Redis URL: ${(error as Error).message}`, { cause: error });
  }
  // Failures reach callers as rejected calls; without a listener an "error" event would end the process.
  client.on("error", () => undefined);
  try {
    await within(client.connect(), connectTimeoutMs, "connecting");
  } catch (error) {
    client.destroy();
    throw redisFailure(redis, denied ?? error, "connecting to Redis failed");
  }
  return client;
}
