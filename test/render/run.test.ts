import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";
import {
  DEFAULT_RENDER_LIMITS,
  type HelmOptions,
  type RenderResult,
  render,
  unwrapKlog,
} from "../../src/render/run.js";
import { sandboxEnv } from "../../src/render/sandbox-env.js";
import { findTools } from "../../src/render/tools.js";
import { HELM_CHART, HELM_DEFAULTS, inputFiles, KUSTOMIZE_APP } from "./helpers/fixtures.js";
import { realTools, useRealTools } from "./helpers/tools.js";

useRealTools();

type Doc = { kind: string; metadata: { name: string; namespace?: string }; spec?: Record<string, unknown> };

function documentsOf(result: RenderResult): Doc[] {
  if (!result.ok) throw new Error(result.message);
  return parseAllDocuments(result.output)
    .map((document) => document.toJS() as Doc | null)
    .filter((document): document is Doc => document !== null);
}

const find = (docs: Doc[], kind: string): Doc => {
  const found = docs.find((document) => document.kind === kind);
  if (!found) throw new Error(`no ${kind} in ${docs.map((d) => d.kind).join(", ")}`);
  return found;
};

function messageOf(result: RenderResult): string {
  if (result.ok) throw new Error(`rendered, expected a failure:\n${result.output}`);
  return result.message;
}

const renderKustomize = async (
  files: Parameters<typeof inputFiles>[0],
  target: string,
  limits = DEFAULT_RENDER_LIMITS,
) => render({ tool: "kustomize", files: inputFiles(files), target }, limits, await realTools());

const renderHelm = async (
  files: Parameters<typeof inputFiles>[0],
  target: string,
  helm: Partial<HelmOptions> = {},
  limits = DEFAULT_RENDER_LIMITS,
) =>
  render(
    { tool: "helm", files: inputFiles(files), target, helm: { ...HELM_DEFAULTS, ...helm } },
    limits,
    await realTools(),
  );

const TINY_CHART = { "c/Chart.yaml": "apiVersion: v2\nname: c\nversion: 0.1.0\n" };

describe.concurrent("kustomize", () => {
  it("renders an overlay over its base: namespace, name prefix, image, patch and generated ConfigMap", async () => {
    const result = await renderKustomize(KUSTOMIZE_APP, "overlays/prod");
    expect(result).toMatchObject({
      ok: true,
      tool: "kustomize",
      version: (await realTools()).kustomize.version,
    });
    const docs = documentsOf(result);
    expect(docs.map((d) => `${d.kind}/${d.metadata.namespace}/${d.metadata.name}`)).toEqual([
      "ConfigMap/prod/prod-web-settings-hf678c7m2b",
      "Service/prod/prod-web",
      "Deployment/prod/prod-web",
    ]);
    const deployment = find(docs, "Deployment");
    expect(deployment.spec?.replicas).toBe(3);
    expect(JSON.stringify(deployment)).toContain('"image":"registry.example.com/web:1.2.3"');
    expect(JSON.stringify(deployment)).toContain('"name":"prod-web-settings-hf678c7m2b"');
  });

  it("fails with kustomize's own message, naming the repository file and no temporary path", async () => {
    const files = { ...KUSTOMIZE_APP };
    delete files["overlays/prod/replicas.yaml"];
    const message = messageOf(await renderKustomize(files, "overlays/prod"));
    expect(message).toMatch(/^kustomize build of overlays\/prod failed: /);
    expect(message).toContain("lstat overlays/prod/replicas.yaml: no such file or directory");
    expect(message).not.toMatch(/kubedelta-render-|\/tmp\/|command failed/);
  });

  it("refuses remote resources without reaching the network: the request goes to the dead proxy", async () => {
    const started = Date.now();
    const message = messageOf(
      await renderKustomize(
        { "apps/kustomization.yaml": "resources:\n  - https://example.invalid/deploy.yaml\n" },
        "apps",
      ),
    );
    expect(message).toContain("proxyconnect tcp: dial tcp 127.0.0.1:9: connect: connection refused");
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it("refuses remote git bases: git may use no protocol", async () => {
    const message = messageOf(
      await renderKustomize(
        { "apps/kustomization.yaml": "resources:\n  - https://github.com/example/app//deploy?ref=v1.0.0\n" },
        "apps",
      ),
    );
    expect(message).toMatch(/transport 'https' not allowed|proxyconnect tcp: dial tcp 127\.0\.0\.1:9/);
  });

  it("runs no exec functions or Helm charts: kustomize's own refusal", async () => {
    const message = messageOf(
      await renderKustomize(
        {
          "apps/kustomization.yaml": `helmCharts:
  - name: web
    repo: https://charts.example.com
    version: 1.0.0
`,
        },
        "apps",
      ),
    );
    expect(message).toContain("must specify --enable-helm");
  });

  it("stops a render whose output is over the limit", async () => {
    const data = Array.from({ length: 4000 }, (_, i) => `  key${i}: "${"x".repeat(40)}"`).join("\n");
    const files = {
      "big/kustomization.yaml": "resources:\n  - config.yaml\n",
      "big/config.yaml": `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: big\ndata:\n${data}\n`,
    };
    const limits = { ...DEFAULT_RENDER_LIMITS, outputBytes: 64 * 1024 };
    expect(messageOf(await renderKustomize(files, "big", limits))).toBe(
      "kustomize build of big produced more than 64 KiB of output",
    );
  });

  it("recreates symlinks that stay in the tree", async () => {
    const files = {
      ...KUSTOMIZE_APP,
      "base/deployment.yaml": { symlink: "manifests/deployment.yaml" },
      "base/manifests/deployment.yaml": KUSTOMIZE_APP["base/deployment.yaml"],
    };
    const docs = documentsOf(await renderKustomize(files, "overlays/prod"));
    expect(find(docs, "Deployment").metadata.name).toBe("prod-web");
  });
});

describe.concurrent("helm", () => {
  it("renders a chart with a values file and --set, its CRDs and its vendored subchart", async () => {
    const result = await renderHelm(HELM_CHART, "charts/web", {
      valuesFiles: ["charts/web/values-prod.yaml"],
      set: { "image.tag": "2.0.0", "podAnnotations.note": "a,b\\c" },
    });
    expect(result).toMatchObject({ ok: true, tool: "helm", version: (await realTools()).helm.version });
    const docs = documentsOf(result);
    expect(docs.map((d) => `${d.kind}/${d.metadata.name}`)).toEqual([
      "CustomResourceDefinition/backups.example.com",
      "Service/shop-web",
      "Deployment/shop-web",
      "StatefulSet/shop-cache",
    ]);
    const deployment = JSON.stringify(find(docs, "Deployment"));
    expect(find(docs, "Deployment").spec?.replicas).toBe(3);
    expect(find(docs, "Service").spec?.type).toBe("LoadBalancer");
    expect(deployment).toContain('"image":"nginx:2.0.0"');
    // One --set entry stays one value: its comma and backslash are not Helm syntax.
    expect(deployment).toContain('"annotations":{"note":"a,b\\\\c"}');
  });

  it("types --set values as helm --set does: false stays false", async () => {
    const on = documentsOf(await renderHelm(HELM_CHART, "charts/web", { set: { hostNetwork: "true" } }));
    const off = documentsOf(
      await renderHelm(
        {
          ...HELM_CHART,
          "charts/web/values.yaml": String(HELM_CHART["charts/web/values.yaml"]).replace(
            "hostNetwork: false",
            "hostNetwork: true",
          ),
        },
        "charts/web",
        {
          set: { hostNetwork: "false" },
        },
      ),
    );
    expect(JSON.stringify(find(on, "Deployment"))).toContain('"hostNetwork":true');
    expect(JSON.stringify(find(off, "Deployment"))).not.toContain("hostNetwork");
  });

  it("passes the release, namespace, Kubernetes version and API versions", async () => {
    const docs = documentsOf(
      await renderHelm(HELM_CHART, "charts/web", {
        releaseName: "checkout",
        namespace: "payments",
        kubeVersion: "1.30",
        apiVersions: ["monitoring.coreos.com/v1"],
      }),
    );
    expect(find(docs, "ServiceMonitor").metadata.name).toBe("checkout-web");
    expect(JSON.stringify(find(docs, "Deployment").metadata)).toContain(
      '"kubedelta.test/kube-version":"v1.30.0"',
    );
  });

  it("fails with helm's message naming the template", async () => {
    const message = messageOf(
      await renderHelm(
        { ...TINY_CHART, "c/templates/broken.yaml": "kind: {{ .Values.kind | nosuchfunction }}\n" },
        "c",
      ),
    );
    expect(message).toMatch(
      /^helm template of c failed: Error: parse error at \(c\/templates\/broken\.yaml:1\)/,
    );
    expect(message).toContain('function "nosuchfunction" not defined');
  });

  it("refuses a dependency missing from charts/ instead of fetching it", async () => {
    const chart = { ...HELM_CHART };
    for (const path of Object.keys(chart)) if (path.includes("/charts/cache/")) delete chart[path];
    expect(messageOf(await renderHelm(chart, "charts/web"))).toContain(
      "found in Chart.yaml, but missing in charts/ directory: cache",
    );
  });

  it("stops a template that loops past the time limit, and kills it", async () => {
    const loop = "{{ range until 100000 }}{{ range until 100000 }}{{ end }}{{ end }}";
    const started = Date.now();
    const result = await renderHelm(
      { ...TINY_CHART, "c/templates/loop.yaml": loop },
      "c",
      {},
      {
        ...DEFAULT_RENDER_LIMITS,
        timeMs: 500,
      },
    );
    expect(messageOf(result)).toBe("helm template of c did not finish within 0.5 s");
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it("stops a template whose output is over the limit", async () => {
    const huge = `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: huge\ndata:\n{{- range until 20000 }}\n  k{{ . }}: "value {{ . }}"{{ end }}\n`;
    const result = await renderHelm(
      { ...TINY_CHART, "c/templates/huge.yaml": huge },
      "c",
      {},
      {
        ...DEFAULT_RENDER_LIMITS,
        outputBytes: 32 * 1024,
      },
    );
    expect(messageOf(result)).toBe("helm template of c produced more than 32 KiB of output");
  });

  it("stops a template that uses more memory than the bound", async () => {
    // until 20000000 builds a list of twenty million numbers: over 500 MB; helm alone uses some 50 MB.
    const hog = "{{ $numbers := until 20000000 }}{{ len $numbers }}";
    const result = await renderHelm(
      { ...TINY_CHART, "c/templates/hog.yaml": hog },
      "c",
      {},
      {
        ...DEFAULT_RENDER_LIMITS,
        memoryBytes: 200 * 1024 * 1024,
      },
    );
    expect(messageOf(result)).toBe("helm template of c used more than 200 MiB of memory");
  });

  it("passes a release name that looks like a flag as a name, never as a flag", async () => {
    const message = messageOf(
      await renderHelm({ ...HELM_CHART, "charts/web/hook.sh": "#!/bin/sh\ncat\n" }, "charts/web", {
        releaseName: "--post-renderer=./charts/web/hook.sh",
      }),
    );
    expect(message).toMatch(
      /^helm template of charts\/web failed: Error: release name "--post-renderer=.*": invalid release name/,
    );
  });

  it("refuses a values file that is not among the files, and a --set key that would split", async () => {
    expect(
      messageOf(await renderHelm(HELM_CHART, "charts/web", { valuesFiles: ["charts/web/values-dev.yaml"] })),
    ).toBe(
      'refused to render: values file "charts/web/values-dev.yaml" is not among the files of the render',
    );
    expect(messageOf(await renderHelm(HELM_CHART, "charts/web", { set: { "a=b": "c" } }))).toBe(
      'refused to render: --set key "a=b" is empty or has a comma, "=" or space',
    );
  });
});

describe("the sandbox's files", () => {
  const withLink = (path: string, target: string) => ({ ...KUSTOMIZE_APP, [path]: { symlink: target } });

  it.each([
    [
      "a relative link that climbs out",
      "base/config.yaml",
      "../../../etc/passwd",
      "points outside the repository",
    ],
    [
      "an absolute link",
      "base/config.yaml",
      "/etc/passwd",
      "points to an absolute path, outside the files of the render",
    ],
  ])("refuses %s, naming the file", async (_, path, target, why) => {
    expect(messageOf(await renderKustomize(withLink(path, target), "overlays/prod"))).toBe(
      `refused to render: symlink ${JSON.stringify(path)} -> ${JSON.stringify(target)} ${why}`,
    );
  });

  it("refuses a link that stays inside by its text but resolves outside through another link", async () => {
    // base/up -> .. is the repository's root, so base/escape -> up/.. reads as base (inside) but
    // resolves to the root's parent (outside).
    const files = { ...KUSTOMIZE_APP, "base/up": { symlink: ".." }, "base/escape": { symlink: "up/.." } };
    expect(messageOf(await renderKustomize(files, "overlays/prod"))).toBe(
      'refused to render: symlink "base/escape" -> "up/.." resolves outside the files of the render',
    );
  });

  it.each([
    ["/etc/passwd", 'file "/etc/passwd" is absolute; repository paths are relative'],
    ["base/../../x.yaml", 'file "base/../../x.yaml" leaves the repository through ".."'],
    ["base//x.yaml", 'file "base//x.yaml" is not a normalised path'],
  ])("refuses the path %s", async (path, why) => {
    expect(messageOf(await renderKustomize({ ...KUSTOMIZE_APP, [path]: "x: 1\n" }, "overlays/prod"))).toBe(
      `refused to render: ${why}`,
    );
  });

  it("refuses a target outside the repository", async () => {
    expect(messageOf(await renderKustomize(KUSTOMIZE_APP, "../overlays/prod"))).toBe(
      'refused to render: target "../overlays/prod" leaves the repository through ".."',
    );
  });

  it("refuses a file under a path that is itself a file", async () => {
    expect(
      messageOf(
        await renderKustomize({ ...KUSTOMIZE_APP, "base/service.yaml/x": "a: 1\n" }, "overlays/prod"),
      ),
    ).toBe('refused to render: "base/service.yaml/x" is inside "base/service.yaml", which is a file');
  });

  describe("temporary folder", () => {
    const original = process.env.TMPDIR;

    it("is removed after a render, a failure, a refusal and a limit", async () => {
      const own = await mkdtemp(join(tmpdir(), "kubedelta-run-test-"));
      process.env.TMPDIR = own;
      try {
        await renderKustomize(KUSTOMIZE_APP, "overlays/prod");
        await renderKustomize({ "x/kustomization.yaml": "resources: [missing.yaml]\n" }, "x");
        await renderKustomize(withLink("base/x.yaml", "/etc/passwd"), "overlays/prod");
        await renderKustomize(KUSTOMIZE_APP, "overlays/prod", { ...DEFAULT_RENDER_LIMITS, outputBytes: 10 });
        expect(await readdir(own)).toEqual([]);
      } finally {
        if (original === undefined) delete process.env.TMPDIR;
        else process.env.TMPDIR = original;
        await rm(own, { recursive: true, force: true });
      }
    });
  });
});

describe("the sandbox's environment", () => {
  it("keeps PATH alone from the parent, homes in the sandbox, every proxy dead, no kubeconfig", () => {
    const dirs = { home: "/sandbox/home", plugins: "/sandbox/plugins", tmp: "/sandbox/tmp" };
    const parent = {
      PATH: "/usr/bin:/bin",
      GITHUB_TOKEN: "secret",
      HOME: "/root",
      KUBECONFIG: "/root/.kube/config",
    };
    const env = sandboxEnv(dirs, parent, 1024 * 1024 * 1024);
    expect(env).not.toHaveProperty("GITHUB_TOKEN");
    expect(env).toMatchObject({
      PATH: "/usr/bin:/bin",
      HOME: "/sandbox/home",
      TMPDIR: "/sandbox/tmp",
      HELM_CONFIG_HOME: "/sandbox/home/.config/helm",
      HELM_CACHE_HOME: "/sandbox/home/.cache/helm",
      HELM_DATA_HOME: "/sandbox/home/.local/share/helm",
      HELM_PLUGINS: "/sandbox/plugins",
      KUSTOMIZE_PLUGIN_HOME: "/sandbox/plugins",
      KUBECONFIG: "/dev/null",
      NO_PROXY: "",
      no_proxy: "",
      GOMEMLIMIT: `${768 * 1024 * 1024}B`,
    });
    for (const proxy of [
      "HTTP_PROXY",
      "HTTPS_PROXY",
      "ALL_PROXY",
      "http_proxy",
      "https_proxy",
      "all_proxy",
    ]) {
      expect(env[proxy]).toBe("http://127.0.0.1:9");
    }
    for (const [name, value] of Object.entries(env)) {
      if (/^(HOME|TMPDIR|XDG_.*|HELM_.*_HOME)$/.test(name)) expect(value, name).toMatch(/^\/sandbox\//);
    }
  });
});

describe("a missing tool", () => {
  it("is a failed render that says why", async () => {
    const tools = await findTools({ PATH: "", KUBEDELTA_HELM: "/nonexistent" });
    const result = await render(
      { tool: "helm", files: inputFiles(HELM_CHART), target: "charts/web", helm: HELM_DEFAULTS },
      DEFAULT_RENDER_LIMITS,
      tools,
    );
    expect(result).toEqual({
      ok: false,
      failure: "tool-missing",
      message:
        "cannot render helm template of charts/web: KUBEDELTA_HELM=/nonexistent is not an executable file",
    });
  });
});

describe("kubectl's klog wrapping", () => {
  it("is unwrapped, single- and multi-line", () => {
    expect(
      unwrapKlog(
        'E1205 03:06:20.525078   27173 run.go:72] "command failed" err="accumulating: \\"x\\" missing"',
      ),
    ).toBe('accumulating: "x" missing');
    expect(
      unwrapKlog(
        'E1205 03:06:20.400273   27168 run.go:72] "command failed" err=<\n\tline one\n\tline two\n >\n',
      ),
    ).toBe("line one\nline two");
    expect(unwrapKlog("Error: plain kustomize\n")).toBe("Error: plain kustomize\n");
  });
});
