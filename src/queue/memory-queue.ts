// The embedded queue: one process, no Redis. It keeps the same contract as the BullMQ queue (jobs
// collapse by key, retries back off, `latest` keeps one follow-up while a job runs), so the app
// behaves the same with one replica; what it cannot do is outlive its process.

import { EventEmitter } from "node:events";
import { MemoryLock } from "./memory-lock.js";
import {
  type Attempt,
  backoffDelay,
  type Enqueued,
  type JobHandler,
  type JobQueue,
  type QueueEvents,
  type QueueSettings,
  type ReviewJob,
} from "./types.js";

type State = "waiting" | "delayed" | "running";

interface Entry {
  job: ReviewJob;
  state: State;
  /** Attempts started so far. */
  started: number;
  /** `latest` jobs added while this one runs: the last of them runs after it. */
  next?: ReviewJob;
}

export class MemoryQueue implements JobQueue {
  readonly backend = "memory" as const;
  readonly lock: MemoryLock;
  private readonly events = new EventEmitter();
  /** Every live job (waiting, delayed for a retry, or running) by key. */
  private readonly live = new Map<string, Entry>();
  private readonly waiting: Entry[] = [];
  private readonly timers = new Set<NodeJS.Timeout>();
  private running = 0;
  private handler?: JobHandler;
  private closed = false;
  private idlers: (() => void)[] = [];
  private drainers: (() => void)[] = [];

  constructor(
    readonly settings: QueueSettings,
    lock = new MemoryLock(),
  ) {
    this.lock = lock;
  }

  async add(job: ReviewJob): Promise<Enqueued> {
    if (this.closed) throw new Error("the queue is closed");
    const current = this.live.get(job.key);
    if (current) {
      if (current.state === "running" && job.collapse === "latest") current.next = job;
      return "collapsed";
    }
    // Through JSON, as a job to Redis goes: what a handler gets is what any replica would get.
    this.enqueue({ ...job, data: JSON.parse(JSON.stringify(job.data)) });
    return "queued";
  }

  process(handler: JobHandler): void {
    this.handler = handler;
    this.pump();
  }

  on<E extends keyof QueueEvents>(event: E, listener: QueueEvents[E]): void {
    this.events.on(event, listener);
  }

  async healthy(): Promise<boolean> {
    return !this.closed;
  }

  idle(): Promise<void> {
    if (this.live.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.idlers.push(resolve));
  }

  async close(graceMs: number): Promise<number> {
    this.closed = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    // Jobs that never started are dropped: they created nothing on GitHub yet.
    for (const entry of this.waiting.splice(0)) this.live.delete(entry.job.key);
    for (const entry of this.live.values()) if (entry.state === "delayed") this.live.delete(entry.job.key);
    if (this.running > 0) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        new Promise<void>((resolve) => this.drainers.push(resolve)),
        new Promise<void>((resolve) => {
          timer = setTimeout(resolve, graceMs);
        }),
      ]);
      clearTimeout(timer);
    }
    this.settle();
    return this.running;
  }

  private enqueue(job: ReviewJob): void {
    const entry: Entry = { job, state: "waiting", started: 0 };
    this.live.set(job.key, entry);
    this.waiting.push(entry);
    this.pump();
  }

  private pump(): void {
    while (this.handler && !this.closed && this.running < this.settings.concurrency) {
      const entry = this.waiting.shift();
      if (!entry) break;
      this.run(entry, this.handler);
    }
  }

  private async run(entry: Entry, handler: JobHandler): Promise<void> {
    entry.state = "running";
    entry.started++;
    this.running++;
    const attempt: Attempt = { number: entry.started, of: this.settings.attempts, restarts: 0 };
    let failure: { error: unknown } | undefined;
    try {
      await handler(entry.job.data, attempt);
    } catch (error) {
      failure = { error };
    }
    this.running--;
    this.finish(entry, attempt, failure);
    this.pump();
    this.settle();
  }

  private finish(entry: Entry, attempt: Attempt, failure: { error: unknown } | undefined): void {
    const { key } = entry.job;
    if (failure && !this.closed && attempt.number < attempt.of && this.settings.retryable(failure.error)) {
      // Stays live (duplicates still collapse into it) until the retry runs.
      entry.state = "delayed";
      const timer = setTimeout(
        () => {
          this.timers.delete(timer);
          entry.state = "waiting";
          this.waiting.push(entry);
          this.pump();
        },
        backoffDelay(this.settings, attempt.number + 1),
      );
      this.timers.add(timer);
      return;
    }
    this.live.delete(key);
    if (failure) this.events.emit("failed", entry.job.data, failure.error);
    if (entry.next && !this.closed) this.enqueue(entry.next);
  }

  private settle(): void {
    if (this.running === 0) for (const resolve of this.drainers.splice(0)) resolve();
    if (this.live.size === 0) for (const resolve of this.idlers.splice(0)) resolve();
  }
}
