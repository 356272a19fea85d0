// GitHub Actions workflow commands (`::error file=…,line=…,title=…::message`), written so that
// untrusted text (file names, resource names, messages) can never end the command early or start
// another: the runner reads a command per line, splits its properties on `,` and the first `=`,
// and ends them at `::`. Escaping as GitHub's own toolkit does: % first, then CR and LF in both
// parts, and `:` and `,` in properties.

import type { Annotation } from "../report/check-run.js";

/** A message: % → %25, CR → %0D, LF → %0A. */
export function escapeData(text: string): string {
  return text.replaceAll("%", "%25").replaceAll("\r", "%0D").replaceAll("\n", "%0A");
}

/** A property's value: as a message, and : → %3A, , → %2C. */
export function escapeProperty(text: string): string {
  return escapeData(text).replaceAll(":", "%3A").replaceAll(",", "%2C");
}

export type CommandName = "error" | "warning" | "notice";

/** One command line (no newline at the end); properties without a value are left out. */
export function workflowCommand(
  name: CommandName,
  properties: Readonly<Record<string, string | number | undefined>>,
  message: string,
): string {
  const props = Object.entries(properties)
    .filter((entry): entry is [string, string | number] => entry[1] !== undefined && entry[1] !== "")
    .map(([key, value]) => `${key}=${escapeProperty(String(value))}`)
    .join(",");
  return `::${name}${props ? ` ${props}` : ""}::${escapeData(message)}`;
}

const COMMANDS: Record<Annotation["annotation_level"], CommandName> = {
  failure: "error",
  warning: "warning",
  notice: "notice",
};

/** A check-run annotation (src/report/check-run.ts) as the command that shows it on the file. */
export function annotationCommand(annotation: Annotation): string {
  return workflowCommand(
    COMMANDS[annotation.annotation_level],
    {
      file: annotation.path,
      line: annotation.start_line,
      endLine: annotation.end_line !== annotation.start_line ? annotation.end_line : undefined,
      title: annotation.title,
    },
    annotation.message,
  );
}

/** GitHub shows at most this many annotations of each kind per step; the rest are dropped. */
export const ANNOTATIONS_PER_KIND = 10;

/**
 * The commands for `annotations` (most severe first), at most ANNOTATIONS_PER_KIND of each kind,
 * and how many were left out (the summary and SARIF list them all).
 */
export function annotationCommands(annotations: readonly Annotation[]): { lines: string[]; leftOut: number } {
  const shown = new Map<CommandName, number>();
  const lines: string[] = [];
  for (const annotation of annotations) {
    const kind = COMMANDS[annotation.annotation_level];
    const count = shown.get(kind) ?? 0;
    if (count >= ANNOTATIONS_PER_KIND) continue;
    shown.set(kind, count + 1);
    lines.push(annotationCommand(annotation));
  }
  return { lines, leftOut: annotations.length - lines.length };
}
