// /approve-risk on GitHub: reading the approvals already given (KubeDelta's own acknowledgement
// replies in the conversation, the only record there is) and answering new commands. Every command
// gets a reply (accepted: an acknowledgement that carries what was approved; refused: the reason)
// and, when it was written in a comment, a reaction on it. Nothing is ignored silently.

import { type Acknowledgement, readAcknowledgement } from "../approvals/acknowledgements.js";
import type { ApprovalCommand } from "../approvals/commands.js";
import { approvalState, targetsOf } from "../approvals/state.js";
import { compareStrings } from "../engine/text.js";
import { blockingFindings, type ReviewResult } from "../engine/types.js";
import type { Policy } from "../policy/types.js";
import { acknowledgementBody, approvalsSummary, refusalBody } from "../report/approvals.js";
import { type Approver, authorize } from "./authorization.js";
import type { Octokit, PullRequestRef } from "./types.js";

/** A comment (or button press) that carries approval commands. */
export interface CommandEvent {
  /**
   * The conversation comment holding the commands, whose later edit voids them; 0 when they came
   * from elsewhere (a review body, a thread reply, the check run's "Approve risks" button).
   */
  commentId: number;
  /** Where the reaction goes: a conversation comment or a review comment (a thread reply). */
  reactTo?: { kind: "issue" | "review"; id: number };
  approver: Approver;
  commands: ApprovalCommand[];
  /** When the command was given (ISO time, from GitHub). */
  at: string;
}

/**
 * Where commands were written: a conversation comment, a review comment (a reply in a thread),
 * a review's body, or the check run's "Approve risks" button.
 */
export type CommandSource =
  | { kind: "issue-comment"; id: number }
  | { kind: "review-comment"; id: number }
  | { kind: "review" }
  | { kind: "button" };

/** The one way a command event is built, whatever carried the commands. */
export function commandEvent(
  source: CommandSource,
  user: { login: string; type?: string | null },
  commands: ApprovalCommand[],
  at: string,
): CommandEvent {
  // Only a conversation comment is tied to its commands (editing it voids them); comments get a reaction.
  const commentId = source.kind === "issue-comment" ? source.id : 0;
  const reactTo =
    source.kind === "issue-comment"
      ? { kind: "issue" as const, id: source.id }
      : source.kind === "review-comment"
        ? { kind: "review" as const, id: source.id }
        : undefined;
  return {
    commentId,
    ...(reactTo ? { reactTo } : {}),
    approver: { login: user.login, type: user.type ?? "User" },
    commands,
    at,
  };
}

interface ConversationComment {
  id: number;
  body?: string;
  user: { login: string } | null;
  created_at: string;
  updated_at: string;
}

function edited(comment: ConversationComment): boolean {
  return comment.updated_at !== comment.created_at;
}

/**
 * The acknowledgements that still count, oldest first: written by KubeDelta, never edited (by
 * anyone), and answering a command comment that still exists unedited and was written by the
 * approver named in the acknowledgement.
 */
export async function acknowledgements(
  octokit: Octokit,
  pr: PullRequestRef,
  botLogin: string,
): Promise<Acknowledgement[]> {
  const comments: ConversationComment[] = await octokit.paginate(octokit.rest.issues.listComments, {
    owner: pr.owner,
    repo: pr.repo,
    issue_number: pr.number,
    per_page: 100,
  });
  const byId = new Map(comments.map((c) => [c.id, c]));
  const valid: Acknowledgement[] = [];
  for (const comment of comments) {
    if (comment.user?.login !== botLogin || edited(comment) || !comment.body) continue;
    const ack = readAcknowledgement(comment.body);
    if (!ack) continue;
    if (ack.commandId > 0) {
      const command = byId.get(ack.commandId);
      if (!command || edited(command) || command.user?.login !== ack.approver) continue;
    }
    valid.push(ack);
  }
  return valid.sort((a, b) => compareStrings(a.at, b.at));
}

async function reply(octokit: Octokit, pr: PullRequestRef, body: string) {
  await octokit.rest.issues.createComment({ owner: pr.owner, repo: pr.repo, issue_number: pr.number, body });
}

async function react(octokit: Octokit, pr: PullRequestRef, event: CommandEvent, content: "+1" | "confused") {
  const target = event.reactTo;
  if (!target) return;
  const where = { owner: pr.owner, repo: pr.repo, comment_id: target.id, content };
  if (target.kind === "issue") await octokit.rest.reactions.createForIssueComment(where);
  else await octokit.rest.reactions.createForPullRequestReviewComment(where);
}

/**
 * Answers the commands of one event and returns the acknowledgements it wrote. `known` are the
 * acknowledgements that already count, so targeting sees what this approver approved before.
 */
export async function answerCommands(
  octokit: Octokit,
  pr: PullRequestRef,
  result: ReviewResult,
  policy: Policy,
  known: readonly Acknowledgement[],
  event: CommandEvent,
): Promise<Acknowledgement[]> {
  const written: Acknowledgement[] = [];
  const refuse = async (why: string) => {
    await reply(octokit, pr, refusalBody(why));
    await react(octokit, pr, event, "confused");
  };
  const authorization = await authorize(octokit, pr, event.approver, pr.author, policy.approvals);
  for (const command of event.commands) {
    if (command.kind === "invalid") {
      await refuse(command.problem);
      continue;
    }
    if (!authorization.allowed) {
      await refuse(authorization.why);
      continue;
    }
    const login = event.approver.login;
    const base = {
      approver: login,
      reason: command.reason,
      commandId: event.commentId,
      at: event.at,
      headSha: pr.headSha,
    };
    let ack: Acknowledgement;
    if (command.kind === "cancel") {
      ack = { ...base, kind: "cancel", fingerprints: [] };
    } else {
      const state = approvalState([...known, ...written], result.findings, policy.approvals);
      const targets = targetsOf(command, blockingFindings(result), state, login, result.findings);
      if ("refusal" in targets) {
        await refuse(targets.refusal);
        continue;
      }
      ack = { ...base, kind: "approve", fingerprints: targets.fingerprints };
    }
    const approved = result.findings.filter((f) => ack.fingerprints.includes(f.fingerprint));
    await reply(octokit, pr, acknowledgementBody(ack, approved));
    await react(octokit, pr, event, "+1");
    written.push(ack);
  }
  return written;
}

/** What the check run shows and applies: the approvals that count for this head. */
export function appliedApprovals(
  result: ReviewResult,
  policy: Policy,
  acks: readonly Acknowledgement[],
  headSha: string,
) {
  // With resetOnPush, only approvals given for this very commit count.
  const counted = policy.approvals.resetOnPush ? acks.filter((a) => a.headSha === headSha) : [...acks];
  const state = approvalState(counted, result.findings, policy.approvals);
  return {
    approved: state.approved,
    markdown: counted.length > 0 ? approvalsSummary(state, result.findings) : "",
  };
}
