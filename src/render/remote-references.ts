// Which kustomization entries kustomize would fetch over the network. Rendering never does, so
// these are refused with a clear error rather than left for the tool to fail on (or, worse, to
// fetch). Kustomize v5 (api/internal/git/repospec.go, api/internal/loader/fileloader.go) clones a
// git repository for an entry with a scheme (https://, http://, ssh://, file://), a user
// (git@host:…) or a github.com host, with or without a `git::` prefix, and downloads a file whose
// entry is an http(s) URL. An entry that merely looks remote (`gitlab.com/org/repo//base?ref=v1`)
// and does not exist here is reported as remote too: that is what its author meant.

const GIT_PREFIX = /^git::/i;
const SCHEME = /^(?:https?|ssh|file):\/\//i;
const USER = /^[a-zA-Z][a-zA-Z0-9-]*@/;
const GITHUB = /^github\.com[/:]/i;
const REF_QUERY = /\?(?:ref|version)=/;
const HOST_LIKE = /^[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,}\//i;

/** Whether kustomize itself treats `entry` as remote, whatever exists locally. */
export function isRemoteForKustomize(entry: string): boolean {
  const bare = entry.replace(GIT_PREFIX, "");
  return SCHEME.test(bare) || USER.test(bare) || GITHUB.test(bare);
}

/** Whether a missing `entry` was meant as a remote reference. */
export function looksRemote(entry: string): boolean {
  return isRemoteForKustomize(entry) || REF_QUERY.test(entry) || HOST_LIKE.test(entry);
}
