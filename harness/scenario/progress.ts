// Progress while a scenario runs: a live status line on a terminal, plain lines otherwise.
import type { RunProgress } from "./run.ts";
import type { RunnerEvents } from "./runner.ts";
import type { RunSummary } from "./run-summary.ts";

export type Progress = RunnerEvents & { finish: () => void };

export function createProgress(out: NodeJS.WriteStream, label: string, runs: number): Progress {
  const startedAt = performance.now();
  let run = 0;
  let shrinking = false;
  let firstShrink = 0;
  let live: RunProgress = { alive: 0, ops: 0 };
  const runText = () => (shrinking ? `shrinking, attempt ${run - firstShrink + 1}` : `run ${run + 1}/${runs}`);
  const noteRun = (index: number, isShrinking: boolean) => {
    if (isShrinking && !shrinking) firstShrink = index;
    run = index;
    shrinking = isShrinking;
  };
  const elapsed = () => `${((performance.now() - startedAt) / 1000).toFixed(1)}s`;
  const ended = (s: RunSummary) =>
    `${label} ${runText()}: ${s.passed ? "passed" : "FAILED"}, ${s.processes} processes, ${s.opsChecked} operations, ${s.seconds.toFixed(1)}s`;

  if (!out.isTTY) {
    return {
      runStarted: noteRun,
      runEnded: (summary) => out.write(`${ended(summary)}\n`),
      finish: () => {},
    };
  }
  const draw = () =>
    out.write(`\r\x1b[2K${label} · ${runText()} · ${live.alive} processes alive · ${live.ops} operations · ${elapsed()}`);
  const timer = setInterval(draw, 200);
  return {
    runStarted: (index, isShrinking) => {
      noteRun(index, isShrinking);
      live = { alive: 0, ops: 0 };
      draw();
    },
    progress: (progress) => {
      live = progress;
    },
    runEnded: (summary) => {
      if (!summary.passed) out.write(`\r\x1b[2K${ended(summary)}\n`);
    },
    finish: () => {
      clearInterval(timer);
      out.write("\r\x1b[2K");
    },
  };
}
