import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { escapeMarkdown, escapeTerminal, inlineCode } from "../../src/report/escape.js";

const WJ = "\u2060";

/** The text a Markdown renderer produces from escaped text: entities decoded. GitHub finds
 * mentions, references and bare links in this text, after rendering. */
function decoded(markdown: string): string {
  return markdown
    .replace(/&#(\d+);/g, (_m, code: string) => String.fromCharCode(Number(code)))
    .replace(
      /&(amp|lt|gt|quot);/g,
      (_m, name: string) => ({ amp: "&", lt: "<", gt: ">", quot: '"' })[name] ?? "",
    );
}

/** What a reader sees: the decoded text, word joiners being invisible. */
function rendered(markdown: string): string {
  return decoded(markdown).replaceAll(WJ, "");
}

// Characters that mean something to Markdown, HTML or GitHub, plus ordinary text.
const tricky = fc.string({
  unit: fc.constantFrom(..."ab Z09 <>[]()!|`*_~$#@&;:/\\.-+=\"'é日", "www.", "https://", "<!--", "-->"),
});

describe("escapeMarkdown", () => {
  it("never lets HTML, comments or our hidden markers through", () => {
    const out = escapeMarkdown("<img src=x onerror=alert(1)> <!-- kubedelta:fp=abc --> <https://x>");
    expect(out).not.toContain("<");
    expect(out).not.toContain(">");
    expect(out).toBe(
      "&lt;img src=x onerror=alert(1)&gt; &lt;!-- kubedelta:fp=abc --&gt; &lt;https:\u2060//x&gt;",
    );
  });

  it("breaks links, images and autolinks", () => {
    const out = escapeMarkdown("[click](https://evil) ![i](x) www.evil.com http://a.b");
    expect(out).not.toMatch(/[[\]]/);
    expect(decoded(out)).not.toMatch(/:\/\/|www\./i);
    expect(rendered(out)).toBe("[click](https://evil) ![i](x) www.evil.com http://a.b");
  });

  it("breaks @mentions, team mentions, e-mail addresses and issue references", () => {
    const out = escapeMarkdown("@octocat @org/team me@example.com #123 owner/repo#7");
    expect(decoded(out)).not.toMatch(/[@#][\w-]/);
    expect(rendered(out)).toBe("@octocat @org/team me@example.com #123 owner/repo#7");
  });

  it("keeps everything on one line and inside its table cell", () => {
    const out = escapeMarkdown("a|b\nc\r\nd\u2028e\tf");
    expect(out).not.toMatch(/[|\n\r\t\u2028]/);
    expect(rendered(out)).toBe("a|b c d e f");
  });

  it("neutralises emphasis, code, math, headings, quotes and list markers", () => {
    for (const text of [
      "# Heading",
      "- item",
      "+ item",
      "1. item",
      "2) item",
      "> quote",
      "=== ",
      "    code",
    ]) {
      const out = escapeMarkdown(text);
      expect(out, text).not.toMatch(/^(#|-|\+|\d+[.)]|>|=| {4})/);
      expect(rendered(out), text).toBe(text);
    }
    const out = escapeMarkdown("*bold* _it_ `code` ~~del~~ $x$ \\");
    expect(out).not.toMatch(/[*_`~$\\]/);
  });

  it("shows entities in the input as text instead of decoding them", () => {
    expect(escapeMarkdown("&lt;script&gt;")).toBe("&amp;lt;script&amp;gt;");
  });

  it("removes controls, escape sequences and bidi overrides", () => {
    expect(escapeMarkdown("a\x1b[31mb\x00c\u202ed\x9b1m")).toBe("abcd");
  });

  it("leaves ordinary names readable", () => {
    expect(escapeMarkdown("Deployment shop/web-frontend v1.2 (canary)")).toBe(
      "Deployment shop/web-frontend v1.2 (canary)",
    );
  });

  it("renders as the original text, and no input forms markup", () => {
    fc.assert(
      fc.property(tricky, (text) => {
        const out = escapeMarkdown(text);
        expect(out).not.toMatch(/[<>[\]|`*_~$\\\n]/);
        expect(decoded(out)).not.toMatch(/[@#][\w-]|:\/\/|www\./i);
        expect(rendered(out)).toBe(text);
      }),
    );
  });
});

describe("escapeTerminal", () => {
  it("strips colours, cursor movement, titles and hyperlinks", () => {
    expect(escapeTerminal("\x1b[31mred\x1b[0m")).toBe("red");
    expect(escapeTerminal("\x1b[2J\x1b[Hcleared")).toBe("cleared");
    expect(escapeTerminal("\x1b]0;title\x07text")).toBe("text");
    expect(escapeTerminal("\x1b]8;;https://evil\x1b\\click\x1b]8;;\x1b\\")).toBe("click");
    expect(escapeTerminal("\x9b31m8-bit\x9dtitle\x9c")).toBe("8-bit");
    expect(escapeTerminal("\x1bcreset")).toBe("reset");
  });

  it("turns line breaks into spaces and drops other controls", () => {
    expect(escapeTerminal("a\nb\r\nc\rd\te\bf\x7fg\u0085h\u2029i")).toBe("a b c d efg h i");
  });

  it("leaves nothing of an unterminated sequence that could complete it", () => {
    expect(escapeTerminal("a\x1b[31")).toBe("a31");
    expect(escapeTerminal("a\x1b]8;;https://evil")).toBe("a8;;https://evil");
  });

  it("never lets a control character through", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary" }), (text) => {
        // biome-ignore lint/suspicious/noControlCharactersInRegex: checking for control characters
        expect(escapeTerminal(text)).not.toMatch(/[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/);
      }),
    );
  });
});

describe("inlineCode", () => {
  it("uses a fence longer than any backtick run inside", () => {
    expect(inlineCode("plain")).toBe("` plain `");
    expect(inlineCode("a`b")).toBe("`` a`b ``");
    expect(inlineCode("``x```")).toBe("```` ``x``` ````");
  });

  it("escapes pipes for table cells unless told it is not in a table", () => {
    expect(inlineCode("a|b")).toBe("` a\\|b `");
    expect(inlineCode("a|b", { table: false })).toBe("` a|b `");
  });

  it("cannot carry a hidden marker in the raw Markdown", () => {
    const out = inlineCode("<!-- kubedelta:fp=abc -->");
    expect(out).not.toContain("<!--");
    expect(out.replaceAll(WJ, "")).toBe("` <!-- kubedelta:fp=abc --> `");
  });

  it("stays on one line", () => {
    expect(inlineCode("a\nb\x1b[1mc")).toBe("` a bc `");
  });

  it("cannot be closed early by the text", () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom("`", "a", " ", "|") }), (text) => {
        const out = inlineCode(text, { table: false });
        const fence = /^`+/.exec(out)![0];
        const inner = out.slice(fence.length, out.length - fence.length);
        expect(out.endsWith(fence)).toBe(true);
        expect(inner.includes(fence)).toBe(false);
        expect(inner).toBe(` ${text} `);
      }),
    );
  });
});
