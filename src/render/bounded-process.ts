// Runs a child process within a time limit, an output limit and a memory bound, and kills its
// whole process group when it crosses one (a tool may start children: kustomize runs git).
//
// Memory: the tools are Go programs, which reserve far more address space than they use, so an
// address-space rlimit would break them. The bound is instead a watchdog that reads the child's
// resident set (VmRSS in /proc/PID/status, Linux) and kills it over the bound; GOMEMLIMIT in its
// environment (sandbox-env.ts) makes the Go runtime collect harder before that.

import { spawn } from "node:child_process";
import { readFile } from "node:fs/promises";

export interface ProcessLimits {
  timeMs: number;
  outputBytes: number;
  memoryBytes: number;
}

export interface ProcessOptions {
  cwd: string;
  env: NodeJS.ProcessEnv;
  limits: ProcessLimits;
  /** Most bytes of stderr kept (the first ones: a tool's error comes first, a Go panic's stack after). */
  stderrBytes?: number;
  /** How often the memory watchdog looks, in ms. */
  memoryPollMs?: number;
}

export type ProcessOutcome =
  | { kind: "exited"; code: number | null; signal: NodeJS.Signals | null; stdout: Buffer; stderr: string }
  | { kind: "timeout" }
  | { kind: "output-limit" }
  | { kind: "memory-limit"; rssBytes: number }
  | { kind: "start-failed"; message: string };

const DEFAULT_STDERR_BYTES = 64 * 1024;
const DEFAULT_MEMORY_POLL_MS = 50;

/** The resident set of a live process, in bytes; undefined where /proc cannot tell (gone, not Linux). */
export async function residentBytes(pid: number): Promise<number | undefined> {
  try {
    const status = await readFile(`/proc/${pid}/status`, "utf8");
    const kib = /^VmRSS:\s+(\d+)\s+kB/m.exec(status)?.[1];
    return kib === undefined ? undefined : Number(kib) * 1024;
  } catch {
    return undefined;
  }
}

export function runBounded(
  command: string,
  args: readonly string[],
  options: ProcessOptions,
): Promise<ProcessOutcome> {
  const { limits } = options;
  const stderrBytes = options.stderrBytes ?? DEFAULT_STDERR_BYTES;
  return new Promise((settle) => {
    // detached: the child leads a process group of its own, which is what a limit kills.
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env,
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
    });
    const stdout: Buffer[] = [];
    let stdoutBytes = 0;
    const stderr: Buffer[] = [];
    let stderrKept = 0;
    let stopped: ProcessOutcome | undefined;
    let done = false;

    const finish = (outcome: ProcessOutcome): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      clearInterval(watchdog);
      settle(outcome);
    };
    const stop = (outcome: ProcessOutcome): void => {
      // Also after the child exited: a grandchild may still hold the pipes, and it is in the group.
      if (stopped || done) return;
      stopped = outcome;
      try {
        process.kill(-child.pid!, "SIGKILL");
      } catch {
        // Already gone.
      }
    };

    const timer = setTimeout(() => stop({ kind: "timeout" }), limits.timeMs);
    const watchMemory = async (): Promise<void> => {
      if (child.pid === undefined) return;
      const rss = await residentBytes(child.pid);
      if (rss !== undefined && rss > limits.memoryBytes) stop({ kind: "memory-limit", rssBytes: rss });
    };
    const watchdog = setInterval(watchMemory, options.memoryPollMs ?? DEFAULT_MEMORY_POLL_MS);

    child.stdout.on("data", (chunk: Buffer) => {
      if (stopped) return;
      stdoutBytes += chunk.length;
      if (stdoutBytes > limits.outputBytes) stop({ kind: "output-limit" });
      else stdout.push(chunk);
    });
    child.stderr.on("data", (chunk: Buffer) => {
      if (stderrKept >= stderrBytes) return;
      const kept = chunk.subarray(0, stderrBytes - stderrKept);
      stderr.push(kept);
      stderrKept += kept.length;
    });
    child.on("error", (error) => {
      // Spawning failed (ENOENT, EACCES): no process, no exit event to wait for.
      if (child.pid === undefined) finish({ kind: "start-failed", message: error.message });
    });
    // After exit, the pipes may stay open in a grandchild that inherited them; the time limit covers that.
    child.on("close", (code, signal) => {
      if (stopped) return finish(stopped);
      finish({
        kind: "exited",
        code,
        signal,
        stdout: Buffer.concat(stdout),
        stderr: Buffer.concat(stderr).toString("utf8"),
      });
    });
  });
}
