// The GitHub Action's entry (action.yml runs dist/action/main.js): the environment of the step in,
// the exit code out.

import { runAction } from "./run.js";

process.exitCode = await runAction(process.env, { log: (line) => process.stdout.write(`${line}\n`) });
