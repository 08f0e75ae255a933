import { fileURLToPath } from "node:url";
import { execa } from "execa";
import type { ParentMessage, WorkerMessage } from "./protocol.ts";

/** The repository root: workers run from there so that tsx and the packages resolve as in development. */
export const REPO_ROOT = fileURLToPath(new URL("../..", import.meta.url));

function spawn(script: string, task: unknown, env: Record<string, string>) {
  return execa("node", ["--import", "tsx", script, JSON.stringify(task)], {
    ipc: true,
    serialization: "json",
    stdout: "inherit",
    stderr: "pipe",
    cwd: REPO_ROOT,
    env,
  });
}

type Waiter = { types: readonly string[]; resolve: (m: WorkerMessage) => void; reject: (e: Error) => void };

/** A forked worker script with a queue of the messages it sent, awaited by type. */
export class WorkerProcess {
  private readonly child: ReturnType<typeof spawn>;
  private readonly queue: WorkerMessage[] = [];
  private readonly waiters: Waiter[] = [];
  private failure: Error | undefined;
  private readonly finished: Promise<void>;

  constructor(script: string, task: unknown, env: Record<string, string> = {}) {
    this.child = spawn(script, task, env);
    this.child.on("message", (message: WorkerMessage) => this.deliver(message));
    this.finished = this.child.then(
      () => this.fail(new Error(`${script} exited`)),
      (error: { stderr?: string; shortMessage?: string }) =>
        this.fail(new Error(`${script} failed: ${error.shortMessage ?? ""}\n${error.stderr ?? ""}`.trim())),
    );
  }

  private deliver(message: WorkerMessage): void {
    const waiter = this.waiters.find((w) => w.types.includes(message.type));
    if (waiter === undefined) {
      this.queue.push(message);
      return;
    }
    this.waiters.splice(this.waiters.indexOf(waiter), 1);
    waiter.resolve(message);
  }

  private fail(error: Error): void {
    this.failure = error;
    for (const waiter of this.waiters.splice(0)) waiter.reject(error);
  }

  /** The next message of one of these types (queued or to come); rejects if the worker ends first. */
  next<K extends WorkerMessage["type"]>(...types: K[]): Promise<Extract<WorkerMessage, { type: K }>> {
    const index = this.queue.findIndex((m) => (types as string[]).includes(m.type));
    if (index >= 0) return Promise.resolve(this.queue.splice(index, 1)[0] as Extract<WorkerMessage, { type: K }>);
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.waiters.push({ types, resolve: resolve as (m: WorkerMessage) => void, reject });
    });
  }

  async send(message: ParentMessage): Promise<void> {
    await this.child.sendMessage(message);
  }

  /** Waits for the worker to exit; rejects with its stderr if it failed. */
  async done(): Promise<void> {
    await this.finished;
    const result = await this.child.catch((error: Error) => error);
    if (result instanceof Error) throw this.failure ?? result;
  }

  /** Ends a worker that is still running (after another one failed). */
  stop(): void {
    if (this.child.exitCode === null) this.child.kill("SIGKILL");
  }
}
