// `kubedelta read`: what Kubernetes reads from files, directories and standard input.

import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { main } from "../../src/cli/main.js";
import { readManifest } from "../../src/engine/reading.js";
import { DEFAULT_LIMITS } from "../../src/policy/load.js";

async function read(argv: string[], stdin = "") {
  let stdout = "";
  let stderr = "";
  const code = await main(["read", ...argv], {
    stdout: (t) => {
      stdout += t;
    },
    stderr: (t) => {
      stderr += t;
    },
    isTTY: true,
    stdin: () => new TextEncoder().encode(stdin),
  });
  return { code, stdout, stderr };
}

function tree(files: Record<string, string | Uint8Array>): string {
  const dir = mkdtempSync(join(tmpdir(), "kd-read-"));
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(join(dir, path, ".."), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
  return dir;
}

describe("kubedelta read", () => {
  it("shows each document from its line, as YAML that keeps YAML 1.1's meaning, and the errors", async () => {
    const input =
      "# a comment\nkind: A\non: yes\nmode: 0644\nratio: 1e3\nname: '0777'\n---\n---\nnull\n---\n- x: ~\n  y: 'yes'\n---\nz: [oops\n";
    const { code, stdout, stderr } = await read(["-"], input);
    expect(stderr).toBe("");
    expect(code).toBe(1);
    expect(stdout).toBe(
      [
        "# <stdin>",
        "--- # line 2",
        "kind: A",
        '"true": true',
        "mode: 420",
        "ratio: 1000",
        'name: "0777"',
        "--- # line 11",
        "- x: null",
        '  "true": "yes"', // the key y is a YAML 1.1 boolean too
        `<stdin>:${readManifest("-", input, DEFAULT_LIMITS).errors[0].line}: ${readManifest("-", input, DEFAULT_LIMITS).errors[0].message}`,
        "",
      ].join("\n"),
    );
  });

  it("reads a directory like diff (the manifest globs, recursively) and files whatever their name", async () => {
    const dir = tree({
      "b.yaml": "b: 1\n",
      "sub/a.yml": "a: 1\n",
      "sub/notes.txt": "not a manifest\n",
      "node_modules/x.yaml": "x: 1\n",
      "sub/empty.yaml": "# nothing\n",
    });
    const { code, stdout } = await read(["--format", "json", dir, join(dir, "sub", "notes.txt")]);
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toEqual({
      files: [
        { file: join(dir, "b.yaml"), documents: [{ line: 1, value: { b: 1 } }], errors: [] },
        { file: join(dir, "sub/a.yml"), documents: [{ line: 1, value: { a: 1 } }], errors: [] },
        { file: join(dir, "sub/empty.yaml"), documents: [], errors: [] },
        {
          file: join(dir, "sub/notes.txt"),
          documents: [{ line: 1, value: "not a manifest" }],
          errors: [],
        },
      ],
    });
    const text = (await read([join(dir, "sub", "empty.yaml")])).stdout;
    expect(text).toBe(`# ${join(dir, "sub", "empty.yaml")}\n# no documents\n`);
  });

  it("reads files as kubectl decodes them: UTF-16, invalid UTF-8, a NUL byte", async () => {
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from("a: é\n", "utf16le")]);
    const latin1 = Buffer.from("a: caf\xe9\n", "latin1");
    const nul = Buffer.from("a: 1\n---\nb: x\0y\n");
    const dir = tree({ "utf16.yaml": utf16, "latin1.yaml": latin1, "nul.yaml": nul });
    const { code, stdout } = await read(["--format", "json", dir]);
    expect(code).toBe(1);
    const files = JSON.parse(stdout).files;
    expect(files.map((f: { documents: unknown }) => f.documents)).toEqual([
      [{ line: 1, value: { a: "caf\ufffd" } }],
      [{ line: 1, value: { a: 1 } }],
      [{ line: 1, value: { a: "é" } }],
    ]);
    expect(files[1].errors).toEqual([{ line: 3, message: expect.stringMatching(/control character/) }]);
  });

  it("writes the same structure as YAML, which reads back to the JSON", async () => {
    const dir = tree({ "a.yaml": "kind: A\nlabels: {on: 'on', n: 010}\n---\nbad: [\n" });
    const json = JSON.parse((await read(["--format", "json", dir])).stdout);
    expect(json.files[0].errors[0]).toHaveProperty("line");
    const yaml = await read(["--format", "yaml", dir]);
    expect(yaml.code).toBe(1);
    const back = readManifest("out.yaml", yaml.stdout, DEFAULT_LIMITS);
    expect(back.errors).toEqual([]);
    expect(back.documents.map((d) => d.value)).toEqual([json]);
  });

  it("leaves out an error's line when it is unknown, and writes to --output", async () => {
    const dir = tree({ "big.yaml": `a: "${"x".repeat(DEFAULT_LIMITS.maxFileBytes)}"\n` });
    const out = join(dir, "out.json");
    const run = await read(["--format", "json", "--output", out, join(dir, "big.yaml")]);
    expect(run).toMatchObject({ code: 1, stdout: "" });
    expect(JSON.parse(readFileSync(out, "utf8")).files[0]).toEqual({
      file: join(dir, "big.yaml"),
      documents: [],
      errors: [{ message: expect.stringMatching(/limits\.maxFileBytes/) }],
    });
  });

  it("keeps what it read inert on a terminal", async () => {
    const { stdout } = await read(["-"], 'a: "\\e[31mred\\u202eevil"\n');
    expect(stdout.includes("\u001b") || stdout.includes("\u202e")).toBe(false);
    expect(stdout).toContain('a: "\\u001b[31mred\\u202eevil"');
  });

  it("exits 2, reading nothing, when a path does not exist", async () => {
    const dir = tree({ "a.yaml": "a: 1\n" });
    expect(await read([join(dir, "a.yaml"), join(dir, "missing.yaml")])).toEqual({
      code: 2,
      stdout: "",
      stderr: `kubedelta: ${join(dir, "missing.yaml")}: no such file or directory\n`,
    });
  });
});
