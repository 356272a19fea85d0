// Where the rule reference is published: every rule link in a report points here. The default is
// the project's repository (package.json's `repository`, checked by a test); GitHub Enterprise
// users and forks set their own base (KUBEDELTA_DOCS_URL, or the CLI's --docs-url): the folder
// that holds rules.md and custom-rules.md, as shipped in this package's docs/.

export const DEFAULT_DOCS_BASE_URL = "https://github.com/kubedelta/kubedelta/blob/main/docs";

/** Why a configured docs base is refused, for the caller to show. */
export class DocsUrlError extends Error {}

/** A configured docs base, checked: an absolute http(s) URL, without a trailing slash. */
export function parseDocsBaseUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new DocsUrlError(`the docs URL must be an absolute http(s) URL; got "${value}"`);
  }
  if (url.protocol !== "https:" && url.protocol !== "http:")
    throw new DocsUrlError(`the docs URL must be an absolute http(s) URL; got "${value}"`);
  if (url.hash || url.search)
    throw new DocsUrlError(`the docs URL is a folder: no query or #fragment; got "${value}"`);
  return url.href.replace(/\/+$/, "");
}

/**
 * The docs base a shell's environment asks for: KUBEDELTA_DOCS_URL, checked, or the default. A bad
 * value is a DocsUrlError that names the variable, for the shell to report as its own error.
 */
export function docsBaseFromEnv(env: NodeJS.ProcessEnv): string {
  const configured = env.KUBEDELTA_DOCS_URL?.trim();
  if (!configured) return DEFAULT_DOCS_BASE_URL;
  try {
    return parseDocsBaseUrl(configured);
  } catch (error) {
    throw new DocsUrlError(`KUBEDELTA_DOCS_URL: ${(error as Error).message}`);
  }
}

/** The section of the rule reference that documents a built-in rule. */
export function ruleDocsUrl(id: string, base = DEFAULT_DOCS_BASE_URL): string {
  return `${base}/rules.md#${id}`;
}

/** The page that explains custom rules (a custom rule has no page of its own). */
export function customRulesDocsUrl(base = DEFAULT_DOCS_BASE_URL): string {
  return `${base}/custom-rules.md`;
}
