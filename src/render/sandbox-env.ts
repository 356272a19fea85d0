// The environment a render runs in: nothing of ours (no tokens, no kubeconfig, no cloud
// credentials), homes and plugin folders that are empty temporary directories, and every proxy
// variable pointing at a closed local port, so any attempt to reach the network (a remote base, a
// chart repository) fails at once instead of hanging until the time limit.

import { join } from "node:path";

/** Port 9 (discard) on the loopback: nothing listens there, the connection is refused at once. */
export const DEAD_PROXY = "http://127.0.0.1:9";

export interface SandboxDirs {
  /** HOME, and under it the XDG and Helm homes. */
  home: string;
  /** An empty folder: HELM_PLUGINS and KUSTOMIZE_PLUGIN_HOME. */
  plugins: string;
  /** TMPDIR: what the tool writes there goes away with the sandbox. */
  tmp: string;
}

/**
 * `memoryBytes`, when given, becomes GOMEMLIMIT at three quarters of the bound: the Go runtime
 * collects harder before the watchdog (which kills over the bound) has to.
 */
export function sandboxEnv(
  dirs: SandboxDirs,
  parent: NodeJS.ProcessEnv,
  memoryBytes?: number,
): NodeJS.ProcessEnv {
  const config = join(dirs.home, ".config");
  const cache = join(dirs.home, ".cache");
  const data = join(dirs.home, ".local", "share");
  const env: NodeJS.ProcessEnv = {
    PATH: parent.PATH ?? "",
    HOME: dirs.home,
    TMPDIR: dirs.tmp,
    XDG_CONFIG_HOME: config,
    XDG_CACHE_HOME: cache,
    XDG_DATA_HOME: data,
    XDG_STATE_HOME: join(dirs.home, ".local", "state"),
    HELM_CONFIG_HOME: join(config, "helm"),
    HELM_CACHE_HOME: join(cache, "helm"),
    HELM_DATA_HOME: join(data, "helm"),
    HELM_PLUGINS: dirs.plugins,
    KUSTOMIZE_PLUGIN_HOME: dirs.plugins,
    KUBECONFIG: "/dev/null",
    NO_PROXY: "",
    no_proxy: "",
    // Kustomize clones remote bases with git: no protocol is allowed (GIT_ALLOW_PROTOCOL lists the
    // allowed ones), ssh fails, and git reads no configuration of the machine or user.
    GIT_ALLOW_PROTOCOL: "none",
    GIT_SSH_COMMAND: "false",
    GIT_TERMINAL_PROMPT: "0",
    GIT_CONFIG_NOSYSTEM: "1",
    GIT_CONFIG_GLOBAL: "/dev/null",
  };
  for (const variable of ["HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY"]) {
    env[variable] = DEAD_PROXY;
    env[variable.toLowerCase()] = DEAD_PROXY;
  }
  if (memoryBytes !== undefined) env.GOMEMLIMIT = `${Math.floor((memoryBytes * 3) / 4)}B`;
  return env;
}
