// The corpus files whose bytes an editor, a diff or git could quietly change: byte-order marks,
// UTF-16, invalid UTF-8, NUL and other control characters, CR and Unicode line breaks. They are
// written from here by `npm run corpus:update`, and the corpus test checks the files on disk still
// hold exactly these bytes.

const SERVICE = "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n";
const PUBLIC = "apiVersion: v1\nkind: Service\nmetadata:\n  name: public\nspec:\n  type: LoadBalancer\n";
const POD = (securityContext: string) =>
  "apiVersion: v1\nkind: Pod\nmetadata:\n  name: debug\nspec:\n  containers:\n    - name: shell\n" +
  `      image: busybox\n      securityContext:\n${securityContext}`;
const JSON_SERVICE =
  '{"apiVersion": "v1", "kind": "Service", "metadata": {"name": "web"}, "spec": {"type": "LoadBalancer"}}\n';

const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);
const bytes = (...parts: (string | number[])[]): Uint8Array =>
  Uint8Array.from(parts.flatMap((part) => (typeof part === "string" ? [...utf8(part)] : part)));

function utf16(text: string, endian: "le" | "be", bom = true): Uint8Array {
  const units = (bom ? "\ufeff" : "") + text;
  const out = new Uint8Array(units.length * 2);
  for (let i = 0; i < units.length; i++) {
    const unit = units.charCodeAt(i);
    out[2 * i + (endian === "le" ? 0 : 1)] = unit & 0xff;
    out[2 * i + (endian === "le" ? 1 : 0)] = unit >> 8;
  }
  return out;
}

export const GENERATED_CORPUS: Readonly<Record<string, Uint8Array>> = {
  // Byte-order marks: kubectl drops one at the start of the file; go-yaml skips one at the start of
  // any line; anywhere else it is content.
  "bom-at-start.yaml": utf8(`\ufeff${SERVICE}spec:\n  type: LoadBalancer\n`),
  "bom-twice-at-start.yaml": utf8(`\ufeff\ufeff${SERVICE}spec:\n  type: LoadBalancer\n`),
  "bom-at-later-document.yaml": utf8(`${SERVICE}spec:\n  type: ClusterIP\n---\n\ufeff${PUBLIC}`),
  "bom-before-separator.yaml": utf8(`${SERVICE}spec:\n  type: ClusterIP\n\ufeff---\n${PUBLIC}`),
  "bom-in-value.yaml": utf8(`${SERVICE}spec:\n  type: \ufeffLoadBalancer\n`),
  "bom-at-line-start-in-document.yaml": utf8(
    `${SERVICE}spec:\n  type: ClusterIP\n\ufefftype: LoadBalancer\n`,
  ),
  "bom-before-indented-key.yaml": utf8(POD("        \ufeffprivileged: true\n")),
  "bom-json.json": utf8(`\ufeff${JSON_SERVICE}`),

  // UTF-16: kubectl decodes it when a byte-order mark says so, and only then.
  "utf16le-bom.bin": utf16(`${SERVICE}spec:\n  type: LoadBalancer\n`, "le"),
  "utf16be-bom.bin": utf16(`${SERVICE}spec:\n  type: ClusterIP\n---\n${PUBLIC}`, "be"),
  "utf16le-without-bom.bin": utf16(`${SERVICE}spec:\n  type: LoadBalancer\n`, "le", false),
  "utf16le-json.bin": utf16(JSON_SERVICE, "le"),
  "utf16le-odd-length.bin": bytes([...utf16(`${SERVICE}spec:\n  type: LoadBalancer\n`, "le")], [0x41]),
  "utf16le-astral.bin": utf16(
    `${SERVICE}  annotations:\n    emoji: "\u{1f600}"\nspec:\n  type: LoadBalancer\n`,
    "le",
  ),

  // Invalid UTF-8 becomes U+FFFD before YAML sees it.
  "utf8-invalid-byte-in-value.bin": bytes(`${SERVICE}spec:\n  type: LoadBalanc`, [0xff], "er\n"),
  "utf8-invalid-byte-in-key.bin": bytes(
    POD("        privileg"),
    [0xfe],
    "d: true\n        privileged: true\n",
  ),
  "utf8-invalid-byte-in-comment.bin": bytes(`${SERVICE}# caf`, [0xe9], "\nspec:\n  type: LoadBalancer\n"),
  "utf8-truncated-at-end.bin": bytes(`${SERVICE}spec:\n  type: LoadBalancer\n# `, [0xe2, 0x80]),
  "utf8-overlong.bin": bytes(`${SERVICE}spec:\n  type: "Load`, [0xc0, 0xaf], 'Balancer"\n'),
  "utf8-encoded-surrogate.bin": bytes(`${SERVICE}spec:\n  type: "Load`, [0xed, 0xa0, 0x80], 'Balancer"\n'),
  "utf8-latin1-file.bin": bytes(
    `${SERVICE}  annotations:\n    owner: "Jos`,
    [0xe9],
    " M",
    [0xfc],
    'ller"\nspec:\n  type: LoadBalancer\n',
  ),

  // NUL and other control characters.
  "nul-in-later-document.bin": bytes(
    `${SERVICE}spec:\n  type: ClusterIP\n---\n${PUBLIC}  note: a`,
    [0],
    "b\n",
  ),
  "nul-in-comment.bin": bytes(`${SERVICE}# a`, [0], "\nspec:\n  type: LoadBalancer\n"),
  "nul-escape-in-double-quotes.yaml": utf8(
    `${SERVICE}  annotations:\n    nul: "a\\0b"\nspec:\n  type: LoadBalancer\n`,
  ),
  "control-character-in-plain-value.bin": bytes(`${SERVICE}spec:\n  type: Load`, [0x01], "Balancer\n"),
  "control-character-in-double-quotes.bin": bytes(
    `${SERVICE}  annotations:\n    bell: "`,
    [0x07],
    '"\nspec:\n  type: LoadBalancer\n',
  ),
  "control-character-in-comment.bin": bytes(
    `${SERVICE}# colour `,
    [0x1b],
    "[0m\nspec:\n  type: LoadBalancer\n",
  ),
  "control-character-del.bin": bytes(`${SERVICE}spec:\n  type: LoadBalancer`, [0x7f], "\n"),
  "control-character-form-feed.bin": bytes(`${SERVICE}`, [0x0c], "\nspec:\n  type: LoadBalancer\n"),
  "control-character-vertical-tab.bin": bytes(`${SERVICE}spec:\n  type: LoadBalancer`, [0x0b], "\n"),
  "control-character-after-end-marker.bin": bytes(
    `${SERVICE}spec:\n  type: ClusterIP\n...\nignored: a`,
    [0x01],
    "\n",
  ),
  "invalid-utf8-after-bom-in-later-document.bin": bytes(
    `\ufeff${SERVICE}spec:\n  type: ClusterIP\n---\n${PUBLIC}  note: caf`,
    [0xe9],
    "\n",
  ),
  "invalid-utf8-after-bom-in-json-string.bin": bytes(
    '\ufeff{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"}, "data": {"owner": "Jos',
    [0xe9],
    '"}}\n',
  ),
  "invalid-utf8-after-bom-after-end-marker.bin": bytes(
    `\ufeff${SERVICE}spec:\n  type: ClusterIP\n...\n# caf`,
    [0xe9],
    "\n",
  ),
  // go-yaml checks characters in its 512-byte read window only: past the end marker, a control
  // character near it stops the file, one further on is never looked at.
  "control-character-far-after-end-marker.bin": bytes(
    `${SERVICE}spec:\n  type: ClusterIP\n...\n# ${"x".repeat(600)}`,
    [0x01],
    "\n",
  ),
  "control-character-c1.yaml": utf8(
    `${SERVICE}  annotations:\n    csi: "\u009b"\nspec:\n  type: LoadBalancer\n`,
  ),
  "unicode-noncharacter.yaml": utf8(
    `${SERVICE}  annotations:\n    x: "\uffff"\nspec:\n  type: LoadBalancer\n`,
  ),
  "unicode-nbsp-and-zero-width.yaml": utf8(
    `${SERVICE}  annotations:\n    nbsp: a\u00a0b\n    zwsp\u200b: x\nspec:\n  type:\u00a0LoadBalancer\n`,
  ),
  "unicode-nbsp-before-json.json": utf8(`\u00a0${JSON_SERVICE}`),
  "unicode-line-separator-before-json.json": utf8(`\u2028${JSON_SERVICE}`),
  "unicode-astral-and-private-use.yaml": utf8(
    `${SERVICE}  annotations:\n    emoji: \u{1f680}\n    private: "\ue000"\nspec:\n  type: LoadBalancer\n`,
  ),

  // Line breaks YAML 1.1 knows and a line reader does not: CR, NEL (U+0085), LS (U+2028), PS (U+2029).
  "comment-ended-by-u2028.yaml": utf8(POD("        # was not privileged\u2028        privileged: true\n")),
  "comment-ended-by-u2029.yaml": utf8(`${SERVICE}spec:\n  # internal only\u2029  type: LoadBalancer\n`),
  "comment-ended-by-nel.yaml": utf8(POD("        # reviewed\u0085        privileged: true\n")),
  "comment-ended-by-cr.yaml": utf8(`${SERVICE}spec:\n  # internal only\r  type: LoadBalancer\n`),
  "comment-ended-by-cr-privileged.yaml": utf8(
    POD("        privileged: false # default\r        privileged: true\n"),
  ),
  "value-ended-by-u2028.yaml": utf8(
    `${SERVICE}spec:\n  selector: {app: web}\n  sessionAffinity: None\u2028  type: LoadBalancer\n`,
  ),
  "value-ended-by-nel.yaml": utf8(`${SERVICE}spec:\n  sessionAffinity: None\u0085  type: LoadBalancer\n`),
  "value-ended-by-cr.yaml": utf8(`${SERVICE}spec:\n  sessionAffinity: None\r  type: LoadBalancer\n`),
  "key-split-by-u2029.yaml": utf8(`${SERVICE}spec:\n  type: ClusterIP\n  extern\u2029  type: LoadBalancer\n`),
  "double-quoted-with-u2028.yaml": utf8(
    `${SERVICE}  annotations:\n    note: "a\u2028b"\nspec:\n  type: LoadBalancer\n`,
  ),
  "double-quoted-with-cr.yaml": utf8(
    `${SERVICE}  annotations:\n    note: "a\rb"\nspec:\n  type: LoadBalancer\n`,
  ),
  "single-quoted-with-nel.yaml": utf8(
    `${SERVICE}  annotations:\n    note: 'a\u0085b'\nspec:\n  type: LoadBalancer\n`,
  ),
  "block-scalar-with-u2028.yaml": utf8(
    "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: script\ndata:\n  run.sh: |\n    echo a\u2028    echo b\n",
  ),
  "block-scalar-with-u2028-at-column-zero.yaml": utf8(
    "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: script\ndata:\n  run.sh: |\n    echo a\u2028privileged: true\n",
  ),
  "block-scalar-with-cr.yaml": utf8(
    "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: script\ndata:\n  run.sh: |\n    echo a\r    echo b\n",
  ),
  "flow-sequence-with-u2028.yaml": utf8(
    "apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata:\n  name: r\nrules:\n  - verbs: [get,\u2028list]\n",
  ),
  "cr-only-line-endings.yaml": utf8(`${SERVICE}spec:\n  type: LoadBalancer\n`.replaceAll("\n", "\r")),
  "cr-only-multi-document.yaml": utf8(
    `${SERVICE}spec:\n  type: ClusterIP\n---\n${PUBLIC}`.replaceAll("\n", "\r"),
  ),
  "separator-followed-by-cr.yaml": utf8(`${SERVICE}spec:\n  type: ClusterIP\n---\r${PUBLIC}`),
  "separator-followed-by-u2028.yaml": utf8(`${SERVICE}spec:\n  type: ClusterIP\n---\u2028${PUBLIC}`),
  "separator-followed-by-nbsp.yaml": utf8(`${SERVICE}spec:\n  type: ClusterIP\n--- \u00a0\n${PUBLIC}`),
  "separator-after-cr.yaml": utf8(`${SERVICE}spec:\n  type: ClusterIP\r---\n${PUBLIC}`),
  "crlf-multi-document.yaml": utf8(
    `${SERVICE}spec:\n  type: ClusterIP\n---\n${PUBLIC}`.replaceAll("\n", "\r\n"),
  ),
  "crlf-block-scalar.yaml": utf8(
    "apiVersion: v1\r\nkind: ConfigMap\r\nmetadata:\r\n  name: s\r\ndata:\r\n  run.sh: |\r\n    a\r\n\r\n    b\r\n",
  ),
  "crlf-double-quoted-folding.yaml": utf8(
    `${SERVICE}  annotations:\r\n    note: "a\r\n      b\r\n\r\n      c"\r\nspec:\r\n  type: LoadBalancer\r\n`,
  ),
  "crlf-mixed-line-endings.yaml": utf8(
    `${SERVICE}spec:\r\n  type: ClusterIP\r\n---\n${PUBLIC.replaceAll("\n", "\r\n")}`,
  ),
  "crlf-json.json": utf8(JSON_SERVICE.replaceAll(", ", ",\r\n  ").replace("}\n", "}\r\n")),
  "crlf-separator-with-comment.yaml": utf8(`${SERVICE}spec:\r\n  type: ClusterIP\r\n--- # next\r\n${PUBLIC}`),
};
