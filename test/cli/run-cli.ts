// The CLI run in-process, as tests drive it: its exit code and everything it wrote.

import { main } from "../../src/cli/main.js";

/** `stdin`: what standard input holds (`-`); without it, reading standard input is a test's mistake. */
export async function cli(
  argv: string[],
  stdin?: string,
): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  const code = await main(argv, {
    stdout: (t) => {
      stdout += t;
    },
    stderr: (t) => {
      stderr += t;
    },
    isTTY: false,
    stdin: () => {
      if (stdin === undefined) throw new Error("the test gave no standard input");
      return Buffer.from(stdin);
    },
  });
  return { code, stdout, stderr };
}
