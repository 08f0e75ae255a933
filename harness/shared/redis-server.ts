// A throwaway redis-server for the tests, the scenarios and the benchmarks: loopback only, on a free
// port, nothing saved to disk (`--save "" --appendonly no`), its directory removed when it stops.
// (child.ts starts Node children; this is the one place that starts the native redis-server.)
import { mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa, execaSync } from "execa";

export type RedisServerOptions = { password?: string };

export type RedisServer = {
  /** `redis://127.0.0.1:<port>`, with the password when the server has one. */
  readonly url: string;
  readonly port: number;
  /** Stops answering (SIGSTOP) until `resume`: a server that is slow, or a host that hangs. */
  pause(): void;
  resume(): void;
  /** Kills the server and starts a fresh, empty one on the same port. */
  restart(): Promise<void>;
  stop(): Promise<void>;
};

const INSTALL_HINT = "install it with `apt-get install redis-server` (Debian, Ubuntu) or your system's package manager";
const READY_WITHIN_MS = 10_000;

/** Why no redis-server can run here, or undefined when one can. */
export function redisServerMissing(): string | undefined {
  const probe = execaSync("redis-server", ["--version"], { reject: false });
  return probe.exitCode === 0 ? undefined : `redis-server is not on PATH: ${INSTALL_HINT}`;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

type Running = { process: ReturnType<typeof execa>; exited: Promise<unknown> };

/** One redis-server on `port`, resolved once it accepts connections. */
async function launch(dir: string, port: number, password: string | undefined): Promise<Running> {
  const args = ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir];
  if (password !== undefined) args.push("--requirepass", password);
  const process = execa("redis-server", args, { reject: false, stdin: "ignore", stdout: "pipe", stderr: "pipe", buffer: false });
  const exited = process.then(() => undefined);
  let log = "";
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`redis-server did not start within ${READY_WITHIN_MS} ms:\n${log}`)), READY_WITHIN_MS);
    process.stdout!.on("data", (chunk: Buffer) => {
      log += chunk.toString("utf8");
      if (log.includes("Ready to accept connections")) {
        clearTimeout(timer);
        resolve();
      }
    });
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`redis-server ended before it was ready:\n${log}`));
    });
  });
  return { process, exited };
}

async function end(running: Running): Promise<void> {
  running.process.kill("SIGCONT");
  running.process.kill("SIGKILL");
  await running.exited;
}

export async function startRedisServer(options: RedisServerOptions = {}): Promise<RedisServer> {
  const dir = await mkdtemp(join(tmpdir(), "redis-server-"));
  const { password } = options;
  let port = 0;
  let running: Running | undefined;
  // Another process may take the free port before redis-server binds it: try a few.
  for (let attempt = 0; running === undefined; attempt++) {
    port = await freePort();
    try {
      running = await launch(dir, port, password);
    } catch (error) {
      if (attempt >= 4) {
        await rm(dir, { recursive: true, force: true });
        throw error;
      }
    }
  }
  let current = running;
  const auth = password === undefined ? "" : `:${encodeURIComponent(password)}@`;
  return {
    url: `redis://${auth}127.0.0.1:${port}`,
    port,
    pause: () => void current.process.kill("SIGSTOP"),
    resume: () => void current.process.kill("SIGCONT"),
    restart: async () => {
      await end(current);
      current = await launch(dir, port, password);
    },
    stop: async () => {
      await end(current);
      await rm(dir, { recursive: true, force: true });
    },
  };
}
