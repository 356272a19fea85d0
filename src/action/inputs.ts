// The Action's inputs, as action.yml passes them to the step's environment (INPUT_CONFIG,
// INPUT_FAIL_ON, INPUT_SARIF, INPUT_RENDER). Empty means the default.

import { ActionError } from "./errors.js";

export const DEFAULT_CONFIG_PATH = ".github/kubedelta.yml";

export interface ActionInputs {
  /** The config's path in the repository, read at the base commit; `explicit`: named by the workflow. */
  config: { path: string; explicit: boolean };
  /** Overrides the config's failOn (a severity or none); the config decides when absent. */
  failOn?: string;
  /** Where to write SARIF (relative to the workspace), when given. */
  sarif?: string;
  render: boolean;
}

const BOOLEANS: Record<string, boolean> = {
  true: true,
  false: false,
  on: true,
  off: false,
  yes: true,
  no: false,
};

export function actionInputs(env: NodeJS.ProcessEnv): ActionInputs {
  const value = (name: string) => env[name]?.trim() ?? "";
  const config = value("INPUT_CONFIG");
  const render = value("INPUT_RENDER").toLowerCase();
  if (render !== "" && !(render in BOOLEANS))
    throw new ActionError(`input render: ${JSON.stringify(value("INPUT_RENDER"))} is not true or false`);
  const configPath = config.replace(/^\.\//, "");
  if (configPath.startsWith("/") || configPath.split("/").includes(".."))
    throw new ActionError(`input config: ${config} must be a path inside the repository`);
  return {
    config:
      config === "" ? { path: DEFAULT_CONFIG_PATH, explicit: false } : { path: configPath, explicit: true },
    failOn: value("INPUT_FAIL_ON") || undefined,
    sarif: value("INPUT_SARIF") || undefined,
    render: render === "" ? true : BOOLEANS[render],
  };
}
