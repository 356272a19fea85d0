// A repository config declaring one custom rule, shared by the CLI and app tests.

export const EXTERNAL_NAME_RULE = [
  "customRules:",
  "  - id: external-name",
  "    title: Service points outside the cluster",
  "    kinds: [Service]",
  "    path: spec.type",
  "    when: {becomes: ExternalName}",
  "    severity: high",
  '    message: "{path} becomes {after} (was {before})"',
  "",
].join("\n");
