// Turns raw file content into YAML text, or says why it cannot or should not be read.

export type FileContent = string | Uint8Array;

export type DecodedFile =
  | { kind: "text"; text: string; bytes: number }
  | { kind: "skip"; reason: string }
  | { kind: "error"; message: string };

/**
 * kubectl reads UTF-16 files that start with a byte-order mark, so must we: otherwise re-encoding a
 * manifest would hide it from review. (A UTF-8 BOM is handled by the YAML reader.)
 */
function utf16Encoding(content: Uint8Array): "utf-16le" | "utf-16be" | undefined {
  if (content[0] === 0xff && content[1] === 0xfe) return "utf-16le";
  if (content[0] === 0xfe && content[1] === 0xff) return "utf-16be";
  return undefined;
}

// Markers only a Helm (Go) template has. Plain `{{ }}` is not enough: PrometheusRule and
// Alertmanager manifests carry Go templates inside ordinary string values.
const HELM_MARKERS =
  /\{\{-|-\}\}|\{\{\s*(?:\.Values|\.Release|\.Chart|\.Capabilities|\.Files|\.Template)\b|\{\{\s*(?:include|template|toYaml|tpl|define|required|default)\b/;

export function looksLikeHelmTemplate(path: string, text: string): boolean {
  if (!text.includes("{{")) return false;
  return HELM_MARKERS.test(text) || /(^|\/)templates\//.test(path);
}

export function decodeFile(path: string, content: FileContent, maxBytes: number): DecodedFile {
  const bytes = typeof content === "string" ? Buffer.byteLength(content) : content.byteLength;
  if (bytes > maxBytes) {
    return {
      kind: "error",
      message: `file is ${bytes} bytes, over the limit of ${maxBytes} (limits.maxFileBytes)`,
    };
  }
  let text: string;
  if (typeof content === "string") {
    text = content;
  } else {
    const utf16 = utf16Encoding(content);
    if (!utf16 && content.subarray(0, 8192).includes(0)) return { kind: "skip", reason: "binary file" };
    try {
      text = new TextDecoder(utf16 ?? "utf-8", { fatal: true }).decode(content);
    } catch {
      return { kind: "skip", reason: `binary file (not ${utf16 ?? "UTF-8"})` };
    }
  }
  if (text.includes("\u0000")) return { kind: "skip", reason: "binary file" };
  if (looksLikeHelmTemplate(path, text)) {
    return { kind: "skip", reason: "Helm template: review the rendered manifests instead" };
  }
  return { kind: "text", text, bytes };
}
