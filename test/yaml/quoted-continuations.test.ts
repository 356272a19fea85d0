import { describe, expect, it } from "vitest";
import { parseYamlStream } from "../../src/engine/yaml/index.js";
import { indentQuotedContinuations } from "../../src/engine/yaml/quoted-continuations.js";
import { LIMITS } from "./helpers.js";

function read(text: string) {
  const { documents, errors } = parseYamlStream(text, LIMITS);
  return { values: documents.map((d) => d.value), errors, documents };
}

describe("quoted scalars continued at their key's indentation (read as Kubernetes reads them)", () => {
  it("single- and double-quoted, in mappings and under sequence items", () => {
    const text = [
      "data:",
      "  note: 'a long text",
      "  that wraps'",
      '  other: "say \\"hi\\"',
      '  again"',
      "  after: 1",
      "items:",
      "  - name: 'first",
      "    part'",
      "",
    ].join("\n");
    expect(read(text)).toMatchObject({
      values: [
        {
          data: { note: "a long text that wraps", other: 'say "hi" again', after: 1 },
          items: [{ name: "first part" }],
        },
      ],
      errors: [],
    });
  });

  it("keeps every line number", () => {
    const text = "metadata:\n  name: x\ndata:\n  note: 'a\n  b'\n  last: 2\n";
    const [document] = read(text).documents;
    expect(document.locate(["data", "last"])).toBe(6);
    expect(document.locate(["data", "note"])).toBe(4);
  });

  it("never touches the text of a block scalar", () => {
    const text = "script: |\n  echo 'unterminated\n  done\nnote: 'a\nb'\n";
    const relaxed = indentQuotedContinuations(text);
    expect(relaxed).toBe("script: |\n  echo 'unterminated\n  done\nnote: 'a\n b'\n");
    expect(read(text).values).toEqual([{ script: "echo 'unterminated\ndone\n", note: "a b" }]);
  });

  it("names the real error of a document that also continues a quoted value at its key's indentation", () => {
    const text = "a: 'long\ntext'\nb: 1\nc: [unclosed\n";
    const { errors } = read(text);
    expect(errors).toHaveLength(1);
    expect(errors[0].line).toBeGreaterThanOrEqual(4);
  });

  it("changes nothing in a document that needs no help, and a quote that never closes stays an error", () => {
    expect(indentQuotedContinuations("a: 'b'\nc: \"d\"\n# it's\ne: don't\n")).toBeUndefined();
    const broken = read("a: 'never closed\nb: 1\n");
    expect(broken.errors).toHaveLength(1);
    expect(broken.values).toEqual([]);
  });
});
