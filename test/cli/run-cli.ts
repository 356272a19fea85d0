// The CLI run in-process, as tests drive it: its exit code and everything it wrote.

import { main } from "../../src/cli/main.js";

export async function cli(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
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
  });
  return { code, stdout, stderr };
}
