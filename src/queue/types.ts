// Review jobs: what a webhook hands to a worker, and the queue contract both backends keep (BullMQ on
// Redis for several replicas, an in-process queue for one).

import type { CommandEvent } from "../github/approvals.js";
import type { PublishLock, PullRequestRef } from "../github/types.js";

/** The pull request a job is about, as far as the event named it. */
export type ReviewTarget =
  /** A pull_request event: the head and base it was delivered with. */
  | { kind: "head"; pr: PullRequestRef }
  /** The PR's number only (comments, buttons, re-runs): its current head is looked up by the worker. */
  | { kind: "number"; number: number }
  /** A fork PR's check suite, which names no PR: our run in it carries the number. */
  | { kind: "suite"; suiteId: number };

/** What a job does with its pull request. */
export type ReviewWork =
  /** Review the head and publish (`rerun`: the user asked again, so stale runs are completed first). */
  | { kind: "review"; rerun?: boolean }
  /**
   * Judge the check again without commenting (an edited or deleted command). `ifOurs`: only if this
   * login is KubeDelta's (a comment without commands matters only when it is our acknowledgement).
   */
  | { kind: "rejudge"; ifOurs?: string }
  /**
   * Answer an /approve-risk command, then judge the check again. `origin` names what carried it
   * ("issue-comment-12", "review-34", "button-<delivery>"); `threadRoot` is set for a thread reply.
   */
  | { kind: "command"; command: CommandEvent; origin: string; threadRoot?: number };

/** A job's payload: plain JSON, enough for any replica to rebuild the installation's client. */
export interface ReviewJobData {
  installationId: number;
  owner: string;
  repo: string;
  target: ReviewTarget;
  work: ReviewWork;
  /** The webhook delivery that asked for it (logs, and GitHub's request correlation). */
  deliveryId: string;
}

/**
 * How a job collapses with others of its key. `pending`: a job added while one of the same key waits
 * or runs is dropped (the same work). `latest`: dropped while one waits; while one runs, the latest
 * is kept and runs after it (the running one may have read the state before the change).
 */
export type Collapse = "pending" | "latest";

export interface ReviewJob {
  key: string;
  collapse: Collapse;
  data: ReviewJobData;
}

/** Which run of a job this is. */
export interface Attempt {
  /** 1-based: the attempts made after errors. */
  number: number;
  /** How many attempts it gets. */
  of: number;
  /** How often an earlier run of it stopped midway (a worker killed or cut off from Redis). */
  restarts: number;
}

/** The last attempt: its failure is not retried. */
export const isFinal = (attempt: Attempt) => attempt.number >= attempt.of;

/** Runs a job; a thrown error is retried (after a back-off) while attempts remain and it is retryable. */
export type JobHandler = (data: ReviewJobData, attempt: Attempt) => Promise<void>;

/** How a job was taken: queued, dropped as a duplicate, or run in this process (Redis unreachable). */
export type Enqueued = "queued" | "collapsed" | "in-process";

export interface QueueEvents {
  /** A job failed for good (no attempt left, or an error not worth retrying). */
  failed: (data: ReviewJobData, error: unknown) => void;
}

export interface JobQueue {
  readonly backend: "redis" | "memory";
  /** Shared by the workers of this queue (across replicas with Redis). */
  readonly lock: PublishLock;
  readonly settings: QueueSettings;
  add(job: ReviewJob): Promise<Enqueued>;
  /** Starts taking jobs. */
  process(handler: JobHandler): void;
  on<E extends keyof QueueEvents>(event: E, listener: QueueEvents[E]): void;
  /** Whether the backend can take jobs now (Redis answers). */
  healthy(): Promise<boolean>;
  /** Resolves once nothing waits, waits for a retry, or runs. */
  idle(): Promise<void>;
  /**
   * Stops taking jobs and waits up to `graceMs` for the running ones; resolves with how many were
   * still running then (with Redis another replica takes them over; in process they are lost).
   */
  close(graceMs: number): Promise<number>;
}

/** How jobs are retried and run, the same for both backends. */
export interface QueueSettings {
  /** Jobs run at once by one process. */
  concurrency: number;
  /** Attempts per job (the first included). */
  attempts: number;
  /** First retry's delay; each further one doubles it. */
  backoffMs: number;
  /** Errors worth another attempt (GitHub down or throttling, a timeout); others fail the job at once. */
  retryable: (error: unknown) => boolean;
}

/** The delay before attempt `next` (2, 3, …): exponential, as BullMQ's "exponential" back-off. */
export function backoffDelay(settings: Pick<QueueSettings, "backoffMs">, next: number): number {
  return settings.backoffMs * 2 ** (next - 2);
}
