// Output of `kubedelta read`: for each file, the documents Kubernetes receives from it and the
// errors it stops at. Text for people (the values as YAML that reads back exactly), JSON and YAML
// for machines, all three from the same data.

import type { Json } from "../engine/types.js";
import { escapeTerminal } from "./escape.js";
import { toYamlText } from "./yaml.js";

export interface FileReading {
  file: string;
  documents: readonly { line: number; value: Json }[];
  errors: readonly { line?: number; message: string }[];
}

/** The public shape, built field by field (`line` left out of an error when it is unknown). */
function shape(readings: readonly FileReading[]) {
  return {
    files: readings.map((r) => ({
      file: r.file,
      documents: r.documents.map((d) => ({ line: d.line, value: d.value })),
      errors: r.errors.map((e) =>
        e.line === undefined ? { message: e.message } : { line: e.line, message: e.message },
      ),
    })),
  };
}

export function readingsToJson(readings: readonly FileReading[]): string {
  return `${JSON.stringify(shape(readings), null, 2)}\n`;
}

export function readingsToYaml(readings: readonly FileReading[]): string {
  return toYamlText(shape(readings) as unknown as Json);
}

/**
 * A header per file, each document as `--- # line N` and its value, then `file:line: message` for
 * each error (where Kubernetes stops reading the file).
 */
export function readingsToText(readings: readonly FileReading[]): string {
  const blocks = readings.map((reading) => {
    const file = escapeTerminal(reading.file);
    const lines = [`# ${file}`];
    for (const document of reading.documents) {
      // Only the final line break goes: a literal block's last line may end in meaningful spaces.
      lines.push(`--- # line ${document.line}`, toYamlText(document.value).slice(0, -1));
    }
    for (const error of reading.errors) {
      const where = error.line === undefined ? file : `${file}:${error.line}`;
      lines.push(`${where}: ${escapeTerminal(error.message)}`);
    }
    if (reading.documents.length === 0 && reading.errors.length === 0) lines.push("# no documents");
    return lines.join("\n");
  });
  return blocks.length === 0 ? "" : `${blocks.join("\n\n")}\n`;
}
