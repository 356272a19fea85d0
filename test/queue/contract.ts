// The contract both queues keep (BullMQ on Redis, the in-process queue): the app relies on exactly
// this, whichever runs it. Each backend's test file runs these against a real instance.

import { afterEach, describe, expect, it } from "vitest";
import { LockTimeoutError } from "../../src/queue/retryable.js";
import type { Attempt, JobQueue, QueueSettings, ReviewJob, ReviewJobData } from "../../src/queue/types.js";

export type MakeQueue = (settings: QueueSettings) => Promise<JobQueue>;

/** Fast settings: retries after 40 ms, then 80 ms. */
export const FAST: QueueSettings = {
  concurrency: 2,
  attempts: 3,
  backoffMs: 40,
  retryable: (error) => error instanceof LockTimeoutError,
};

export function data(n: number, extra: Partial<ReviewJobData> = {}): ReviewJobData {
  return {
    installationId: 1,
    owner: "o",
    repo: "r",
    target: { kind: "number", number: n },
    work: { kind: "review" },
    deliveryId: `d${n}`,
    ...extra,
  };
}

export function job(key: string, n: number, collapse: ReviewJob["collapse"] = "pending"): ReviewJob {
  return { key, collapse, data: data(n) };
}

/** A promise with its resolver: a job waits on it, so the test decides when the job ends. */
export function gate(): { open: () => void; opened: Promise<void> } {
  let open = () => {};
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { open, opened };
}

/** Resolves once `predicate` holds (polling), or fails after `ms`. */
export async function until(predicate: () => boolean, ms = 5_000): Promise<void> {
  const end = Date.now() + ms;
  while (!predicate()) {
    if (Date.now() > end) throw new Error("condition not reached in time");
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Handles the queue's jobs by recording their numbers; each waits on `hold` (given the runs so far). */
function recordRuns(queue: JobQueue, hold: (runs: number[]) => Promise<void> = async () => {}): number[] {
  const runs: number[] = [];
  queue.process(async (d) => {
    runs.push((d.target as { number: number }).number);
    await hold(runs);
  });
  return runs;
}

interface Run {
  attempt: Attempt;
  at: number;
}

export function queueContract(name: string, make: MakeQueue): void {
  describe(`${name}: the queue contract`, () => {
    const open: JobQueue[] = [];
    const start = async (settings: Partial<QueueSettings> = {}) => {
      const queue = await make({ ...FAST, ...settings });
      open.push(queue);
      return queue;
    };

    afterEach(async () => {
      await Promise.all(open.splice(0).map((queue) => queue.close(1_000)));
    });

    it("runs a job with the data it was given, through JSON, once", async () => {
      const queue = await start();
      const seen: ReviewJobData[] = [];
      queue.process(async (d) => {
        seen.push(d);
      });
      const given = data(1, { target: { kind: "number", number: 1 }, work: { kind: "rejudge" } });
      expect(await queue.add({ key: "a", collapse: "pending", data: given })).toBe("queued");
      await queue.idle();
      expect(seen).toEqual([given]);
      expect(seen[0]).not.toBe(given);
    });

    it("collapses a duplicate while the first waits and while it runs, and runs it again after", async () => {
      const queue = await start();
      const release = gate();
      const runs = recordRuns(queue, () => release.opened);
      expect(await queue.add(job("same", 1))).toBe("queued");
      expect(await queue.add(job("same", 2))).toBe("collapsed");
      await until(() => runs.length === 1);
      expect(await queue.add(job("same", 3))).toBe("collapsed");
      release.open();
      await queue.idle();
      expect(runs).toEqual([1]);
      // Done: the same key is new work again.
      expect(await queue.add(job("same", 4))).toBe("queued");
      await queue.idle();
      expect(runs).toEqual([1, 4]);
    });

    it("`latest`: while one runs, keeps only the last duplicate, which runs after it", async () => {
      const queue = await start();
      const release = gate();
      const runs = recordRuns(queue, async (so) => {
        if (so.length === 1) await release.opened;
      });
      await queue.add(job("pr", 1, "latest"));
      await until(() => runs.length === 1);
      await queue.add(job("pr", 2, "latest"));
      await queue.add(job("pr", 3, "latest"));
      release.open();
      await queue.idle();
      expect(runs).toEqual([1, 3]);
    });

    it("retries a retryable failure with exponential back-off, numbering the attempts", async () => {
      const queue = await start();
      const runs: Run[] = [];
      queue.process(async (_data, attempt) => {
        runs.push({ attempt, at: Date.now() });
        if (attempt.number < 3) throw new LockTimeoutError("k", 1);
      });
      const failed: unknown[] = [];
      queue.on("failed", (_d, error) => failed.push(error));
      await queue.add(job("retry", 1));
      await until(() => runs.length === 3);
      await queue.idle();
      expect(runs.map((r) => r.attempt)).toEqual([
        { number: 1, of: 3, restarts: 0 },
        { number: 2, of: 3, restarts: 0 },
        { number: 3, of: 3, restarts: 0 },
      ]);
      // 40 ms, then 80 ms (BullMQ's timers may fire a few ms early).
      expect(runs[1].at - runs[0].at).toBeGreaterThanOrEqual(35);
      expect(runs[2].at - runs[1].at).toBeGreaterThanOrEqual(75);
      expect(failed).toEqual([]);
    });

    it("fails a job at once on an error not worth retrying, and says so", async () => {
      const queue = await start();
      let runs = 0;
      queue.process(async () => {
        runs++;
        throw new Error("a bug");
      });
      const failed: [ReviewJobData, unknown][] = [];
      queue.on("failed", (d, error) => failed.push([d, error]));
      await queue.add(job("bug", 7));
      await until(() => failed.length === 1);
      await queue.idle();
      expect(runs).toBe(1);
      expect(failed[0][0]).toEqual(data(7));
      expect((failed[0][1] as Error).message).toBe("a bug");
    });

    it("fails a job whose last attempt failed, after every attempt", async () => {
      const queue = await start({ attempts: 2 });
      let runs = 0;
      queue.process(async () => {
        runs++;
        throw new LockTimeoutError("k", 1);
      });
      const failed: unknown[] = [];
      queue.on("failed", (_d, error) => failed.push(error));
      await queue.add(job("exhausted", 1));
      await until(() => failed.length === 1);
      expect(runs).toBe(2);
      expect(failed[0]).toBeInstanceOf(LockTimeoutError);
    });

    it("runs at most `concurrency` jobs at once", async () => {
      const queue = await start({ concurrency: 2 });
      let running = 0;
      let most = 0;
      queue.process(async () => {
        running++;
        most = Math.max(most, running);
        await new Promise((resolve) => setTimeout(resolve, 30));
        running--;
      });
      for (let i = 0; i < 6; i++) await queue.add(job(`c${i}`, i));
      await queue.idle();
      expect(most).toBe(2);
    });

    it("on close, lets the running job finish within the grace period, and takes no new one", async () => {
      const queue = await start();
      const release = gate();
      const runs = recordRuns(queue, () => release.opened);
      await queue.add(job("first", 1));
      await until(() => runs.length === 1);
      setTimeout(release.open, 50);
      expect(await queue.close(2_000)).toBe(0);
      expect(runs).toEqual([1]);
    });

    it("on close, gives up waiting at the end of the grace period and counts the job still running", async () => {
      const queue = await start();
      const never = gate();
      let started = false;
      queue.process(async () => {
        started = true;
        await never.opened;
      });
      await queue.add(job("stuck", 1));
      await until(() => started);
      const before = Date.now();
      expect(await queue.close(100)).toBe(1);
      expect(Date.now() - before).toBeLessThan(1_000);
      never.open();
    });
  });
}
