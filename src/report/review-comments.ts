// The one pull-request review KubeDelta posts per head commit: an inline comment on the line of
// each new finding that sits inside the diff, and a body that lists the rest.
//
// GitHub rejects the whole review (422) when one comment points outside the diff hunks, so
// placement is decided here from the file patches, and `bodyWithoutComments` gives the body to
// retry with when GitHub rejects the comments anyway. Every comment and every listed finding
// carries a hidden fingerprint marker: the shell reads them back (`markedFingerprints`) to know
// what was already said, because a finding is never commented on twice.

import { FINGERPRINT, shortId } from "../engine/ids.js";
import { clip } from "../engine/text.js";
import { blockingReason, type Finding, findingBlocks, type ReviewResult } from "../engine/types.js";
import { bySeverity, locationLabel, plural, type RuleDocs, resourceLabel } from "./common.js";
import { type CommentableLines, commentableLines } from "./diff-lines.js";
import { escapeMarkdown, inlineCode, markdownWithCode, safeUrl } from "./escape.js";
import { ruleLink, SEVERITY_ICONS } from "./markdown.js";

/** The hidden marker in our comments; group 1 is the fingerprint. Global: use with matchAll. */
export const FINGERPRINT_MARKER = /<!-- kubedelta:fp=([0-9a-f]{16}) -->/g;

/**
 * `<!-- kubedelta:fp=<fp> -->`. Throws for anything but 16 lowercase hex digits: a marker we
 * could not read back would make the finding look new on every push, and the fingerprint is
 * written unescaped.
 */
export function fingerprintMarker(fp: string): string {
  if (!FINGERPRINT.test(fp)) throw new Error(`Not a KubeDelta fingerprint: ${JSON.stringify(fp)}`);
  return `<!-- kubedelta:fp=${fp} -->`;
}

/** Every fingerprint marked in a comment or review body we wrote, once each, in order. */
export function markedFingerprints(body: string): string[] {
  // A fresh regex: the exported one is global, and a caller's exec() would move its lastIndex.
  const marker = new RegExp(FINGERPRINT_MARKER.source, "g");
  return [...new Set(Array.from(body.matchAll(marker), (m) => m[1]))];
}

/** A file of the pull request, as `GET /repos/{o}/{r}/pulls/{n}/files` describes it. */
export interface PullFile {
  filename: string;
  /** The base path of a renamed (or copied) file. */
  previousFilename?: string;
  /** added, removed, modified, renamed, copied, changed or unchanged. */
  status: string;
  /** Absent for binary files and for diffs too large for GitHub to show. */
  patch?: string;
}

export type ReviewSide = "RIGHT" | "LEFT";

export interface ReviewComment {
  /** The file's path in the head (also for LEFT comments on a renamed file). */
  path: string;
  line: number;
  side: ReviewSide;
  body: string;
  fingerprint: string;
}

export interface ReviewPlan {
  comments: ReviewComment[];
  /** Findings that could not be inline (outside the diff hunks, over the limit): summarised in the body. */
  elsewhere: Finding[];
  /** Review body (Markdown). */
  body: string;
  /**
   * The body that also lists the findings of `comments`, for when GitHub rejects the inline
   * comments. Rendered here because only planReview has the rule metadata; read it through
   * `bodyWithoutComments`.
   */
  fallbackBody: string;
}

export interface ReviewOptions extends RuleDocs {
  /** The pull request's files, with patches. */
  files: readonly PullFile[];
  /** Fingerprints that already have a live KubeDelta thread (or are listed in one of our reviews). */
  alreadyCommented: ReadonlySet<string>;
  /** Link to the check run, which has the full list. */
  checkRunUrl?: string;
  /** Most inline comments in one review; default 25. */
  maxInline?: number;
}

export const DEFAULT_MAX_INLINE = 25;

// Findings listed in a body beyond this are counted, not listed: the check run has them all.
const LIST_CAP = 50;
// GitHub refuses bodies over 65,536 characters; stay well clear of it.
const BODY_LIMIT = 60_000;
// Untrusted text is clipped before escaping (which can make it six times longer), so that one
// huge value cannot crowd out everything else. Inline comments have room for more.
const CLIP = { comment: 2000, listed: 300, resource: 200, path: 200 } as const;

/** The review to post, or undefined when no finding is new (then nothing is posted at all). */
export function planReview(result: ReviewResult, options: ReviewOptions): ReviewPlan | undefined {
  const candidates = newFindings(result.findings, options.alreadyCommented, placer(options.files));
  if (candidates.length === 0) return undefined;

  const maxInline = Math.max(0, Math.floor(options.maxInline ?? DEFAULT_MAX_INLINE));
  // One comment per line and rule: a base shared by twenty overlays is one risk on one line.
  const placed = candidates.flatMap((c) => (c.at ? [{ finding: c.finding, at: c.at }] : []));
  const groups = sameLine(placed);
  const inline = groups.slice(0, maxInline);
  const overLimit = groups.slice(maxInline).flat();
  const elsewhere = [
    ...candidates.filter((c) => !c.at).map((c) => c.finding),
    ...overLimit.map((p) => p.finding),
  ].sort(bySeverity);

  const ctx: RenderContext = {
    rules: options.rules,
    docsUrl: options.docsUrl,
    checkRunUrl: options.checkRunUrl,
    failOn: result.failOn,
    blockingRules: result.blockingRules,
  };
  const comments = inline.map((group) => ({
    ...group[0].at,
    body: commentBody(
      group.map((item) => item.finding),
      ctx,
    ),
    fingerprint: group[0].finding.fingerprint,
  }));
  const heading = `### KubeDelta found ${plural(candidates.length, "new risky change")}`;
  const intro = bodyIntro(inline.flat().length, elsewhere.length, overLimit.length, maxInline);
  const fallbackIntro =
    "GitHub did not accept inline comments on this pull request, so every new finding is listed here:";
  return {
    comments,
    elsewhere,
    body: composeBody(heading, intro, elsewhere, ctx),
    fallbackBody: composeBody(
      heading,
      fallbackIntro,
      candidates.map((c) => c.finding),
      ctx,
    ),
  };
}

/** The body to post when GitHub rejects the inline comments (422): it lists their findings too. */
export function bodyWithoutComments(plan: ReviewPlan): string {
  return plan.fallbackBody;
}

/** `2 are commented inline below. Not commented inline (1 outside the changed lines):` */
function bodyIntro(inline: number, elsewhere: number, overLimit: number, maxInline: number): string {
  const parts: string[] = [];
  if (inline > 0)
    parts.push(inline === 1 ? "1 is commented inline below." : `${inline} are commented inline below.`);
  if (elsewhere > 0) {
    const reasons = [
      ...(elsewhere > overLimit ? [`${elsewhere - overLimit} outside the changed lines`] : []),
      ...(overLimit > 0 ? [`${overLimit} over the limit of ${maxInline} inline comments`] : []),
    ];
    parts.push(`Not commented inline (${reasons.join(", ")}):`);
  }
  return parts.join(" ");
}

// ---------------------------------------------------------------------------------------------
// Which findings, and where

interface Placement {
  path: string;
  line: number;
  side: ReviewSide;
}

interface Placed {
  finding: Finding;
  at: Placement;
}

type Placer = (finding: Finding) => Placement | undefined;

/**
 * The new findings, one per fingerprint, most severe first. When findings share a fingerprint,
 * the one that can be commented inline represents them, so that a duplicate outside the diff
 * does not push the risk out of the diff view.
 */
function newFindings(
  findings: readonly Finding[],
  alreadyCommented: ReadonlySet<string>,
  place: Placer,
): { finding: Finding; at?: Placement }[] {
  const groups = new Map<string, Finding[]>();
  for (const finding of [...findings].sort(bySeverity)) {
    if (alreadyCommented.has(finding.fingerprint)) continue;
    const group = groups.get(finding.fingerprint);
    if (group) group.push(finding);
    else groups.set(finding.fingerprint, [finding]);
  }
  const chosen = [...groups.values()].map((group) => {
    for (const finding of group) {
      const at = place(finding);
      if (at) return { finding, at };
    }
    return { finding: group[0] };
  });
  return chosen.sort((a, b) => bySeverity(a.finding, b.finding));
}

/**
 * Where GitHub accepts a comment on a finding, if anywhere. A head-side finding names the head
 * path and goes on RIGHT; a base-side one (something removed) names the base path, and goes on
 * LEFT of the file whose base that is, under the file's head path (GitHub's `path` is always the
 * new name, also for LEFT comments on a renamed file).
 */
function placer(files: readonly PullFile[]): Placer {
  const lines = new Map<PullFile, CommentableLines>();
  const linesOf = (file: PullFile): CommentableLines => {
    let found = lines.get(file);
    if (!found) {
      found = commentableLines(file.patch);
      lines.set(file, found);
    }
    return found;
  };
  return (finding) => {
    const head = finding.side === "head";
    const file = head ? headFile(files, finding.file) : baseFile(files, finding.file);
    if (!file) return undefined;
    const commentable = head ? linesOf(file).right : linesOf(file).left;
    if (!commentable.has(finding.line)) return undefined;
    return { path: file.filename, line: finding.line, side: head ? "RIGHT" : "LEFT" };
  };
}

function headFile(files: readonly PullFile[], path: string): PullFile | undefined {
  return files.find((f) => f.filename === path && f.status !== "removed");
}

/**
 * The PR file whose LEFT side shows the base version of `path`. The file that stayed at that
 * path wins over one renamed away from it; an added file has no base, and a copy's LEFT side
 * belongs to its source, which has an entry of its own when it changed.
 */
function baseFile(files: readonly PullFile[], path: string): PullFile | undefined {
  const withBase = files.filter((f) => f.status !== "added" && f.status !== "copied");
  return (
    withBase.find((f) => f.filename === path && f.previousFilename === undefined) ??
    withBase.find((f) => (f.previousFilename ?? f.filename) === path)
  );
}

// ---------------------------------------------------------------------------------------------
// Rendering. Everything taken from a finding is untrusted: escaped, or in a code span.

interface RenderContext extends RuleDocs {
  checkRunUrl?: string;
  failOn: ReviewResult["failOn"];
  blockingRules: ReviewResult["blockingRules"];
}

/** Placed findings grouped by line, side and rule, in the order of their first finding. */
function sameLine(placed: readonly Placed[]): Placed[][] {
  const groups = new Map<string, Placed[]>();
  for (const item of placed) {
    const key = `${item.at.path}\u0000${item.at.line}\u0000${item.at.side}\u0000${item.finding.rule}`;
    groups.set(key, [...(groups.get(key) ?? []), item]);
  }
  return [...groups.values()];
}

/** The comment on one line for the findings of one rule there (most severe first). */
function commentBody(findings: readonly Finding[], ctx: RenderContext): string {
  const [finding, ...others] = findings;
  const parts = [
    [severityLabel(finding), ruleLink(finding.rule, ctx, { table: false }), resource(finding)].join(" · "),
    markdownWithCode(clip(finding.message, CLIP.comment)),
  ];
  if (others.length > 0) {
    const listed = others.slice(0, LIST_CAP).map((other) => `${severityLabel(other)} ${resource(other)}`);
    const more = others.length > LIST_CAP ? [`and ${others.length - LIST_CAP} more`] : [];
    parts.push(
      `The same line does the same to ${plural(others.length, "other resource")}: ${[...listed, ...more].join(", ")}.`,
    );
  }
  const remediation = ctx.rules(finding.rule)?.remediation;
  if (remediation) parts.push(`**How to fix:** ${markdownWithCode(remediation)}`);
  const blocking = findings.filter((f) => isBlocking(f, ctx));
  // One command accepts at most 100 ids (src/approvals): past that, the command for every risk.
  parts.push(
    blocking.length > 100
      ? "To accept these risks, an authorized reviewer can comment `/approve-risk` (every blocking risk of this pull request)."
      : blocking.length > 0
        ? `To accept ${blocking.length === 1 ? "this risk" : "these risks"}, an authorized reviewer can comment ${approveCommand(blocking)}, ` +
          "or `/approve-risk` to accept every blocking risk of this pull request."
        : `This does not block merging (${blockingReason(ctx, finding)}).`,
  );
  parts.push(findings.map((f) => fingerprintMarker(f.fingerprint)).join(""));
  return parts.join("\n\n");
}

/**
 * A review body: heading, intro, a list of findings as long as fits, then the link to the check
 * run. Every listed finding carries its marker, so the shell can treat it as said.
 */
function composeBody(
  heading: string,
  intro: string,
  findings: readonly Finding[],
  ctx: RenderContext,
): string {
  const top = [heading, ...(intro ? [intro] : [])];
  if (findings.some((f) => isBlocking(f, ctx))) {
    top.push(
      "To accept a listed risk, an authorized reviewer can comment `/approve-risk <id>` with the id shown, " +
        "or `/approve-risk` to accept every blocking risk of this pull request.",
    );
  }
  const link = ctx.checkRunUrl ? [`[All findings are in the check run](${safeUrl(ctx.checkRunUrl)}).`] : [];
  const fixed = [...top, ...link].join("\n\n").length;
  // Room for the list: what the rest leaves, less the separators and the "… and N more" line.
  const room = BODY_LIMIT - fixed - 200;

  const items: string[] = [];
  let used = 0;
  for (const finding of findings.slice(0, LIST_CAP)) {
    const item = listItem(finding, ctx);
    if (used + item.length + 1 > room) break;
    items.push(item);
    used += item.length + 1;
  }
  const omitted = findings.length - items.length;
  const list = [
    ...(items.length > 0 ? [items.join("\n")] : []),
    ...(omitted > 0 ? [`… and ${omitted} more, not listed here.`] : []),
  ];
  return `${[...top, ...list, ...link].join("\n\n")}\n`;
}

function listItem(finding: Finding, ctx: RenderContext): string {
  // A removed resource is located in the base version of the file.
  const where =
    inlineCode(clip(locationLabel(finding.file, finding.line), CLIP.path), { table: false }) +
    (finding.side === "base" ? " (base)" : "");
  const id = isBlocking(finding, ctx)
    ? ` · id ${inlineCode(shortId(finding.fingerprint), { table: false })}`
    : "";
  const message = markdownWithCode(clip(finding.message, CLIP.listed));
  return (
    `- ${[severityLabel(finding), ruleLink(finding.rule, ctx, { table: false }), resource(finding), where].join(" · ")}` +
    ` — ${message}${id} ${fingerprintMarker(finding.fingerprint)}`
  );
}

function severityLabel(finding: Finding): string {
  return `${SEVERITY_ICONS[finding.severity]} **${finding.severity.toUpperCase()}**`;
}

function resource(finding: Finding): string {
  return escapeMarkdown(clip(resourceLabel(finding.resource), CLIP.resource));
}

function isBlocking(finding: Finding, ctx: RenderContext): boolean {
  return findingBlocks(ctx, finding);
}

function approveCommand(findings: readonly Finding[]): string {
  const ids = findings.map((finding) => shortId(finding.fingerprint));
  return inlineCode(`/approve-risk ${ids.join(" ")}`, { table: false });
}
