import nock from "nock";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { EXTERNAL_NAME_RULE } from "../policy/custom-rule-fixtures.js";
import {
  CHECK_RUN_ID,
  type FakeFile,
  HEAD_SHA,
  MERGE_BASE,
  newProbot,
  pullRequestEvent,
  type Recorded,
  serveRepository,
  traffic,
} from "./harness.js";

const SERVICE = (type: string) =>
  `apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n  namespace: shop\nspec:\n  type: ${type}\n  ports:\n    - port: 80\n`;

/** k8s/svc.yaml, a ClusterIP Service in the base that becomes a Service of `type` in the head. */
const serviceChange = (type: string): FakeFile => ({
  filename: "k8s/svc.yaml",
  status: "modified",
  base: SERVICE("ClusterIP"),
  head: SERVICE(type),
});

/** A new Deployment that passes every rule but NetworkPolicy coverage. */
const SAFE_DEPLOYMENT =
  "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\n  namespace: shop\nspec:\n  template:\n    metadata:\n      labels: {app: api}\n    spec:\n      containers:\n        - name: api\n          image: registry.example.com/api:1\n          readinessProbe: {httpGet: {path: /, port: 80}}\n          livenessProbe: {httpGet: {path: /, port: 80}}\n          resources: {requests: {cpu: 1m, memory: 1Mi}, limits: {cpu: 1m, memory: 1Mi}}\n";
/** A default-deny NetworkPolicy: it selects every pod of namespace shop. */
const DENY_ALL =
  "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: deny\n  namespace: shop\nspec:\n  podSelector: {}\n";

function bodies(recorded: Recorded[], method: string, pathEnd: string): Record<string, unknown>[] {
  return recorded
    .filter((r) => r.method === method && r.path.replace(/\?.*$/, "").endsWith(pathEnd))
    .map((r) => r.body as Record<string, unknown>);
}

beforeEach(() => {
  nock.disableNetConnect();
});

afterEach(() => {
  nock.cleanAll();
});

describe("pull_request events", () => {
  it("reviews a risky change: one check run, one review with an inline comment on the risky line", async () => {
    const recorded = serveRepository({
      files: [serviceChange("LoadBalancer")],
    });
    await newProbot().receive(pullRequestEvent() as never);

    // The merge base and the tree listing are asked for at the same time: in either order.
    const requests = traffic(recorded);
    expect([...requests.slice(0, 5), ...requests.slice(5, 7).sort(), ...requests.slice(7)]).toEqual([
      "POST /repos/Codertocat/Hello-World/check-runs",
      "GET /repos/Codertocat/Hello-World/contents/.github/kubedelta.yml",
      "GET /repos/Codertocat/.github/contents/.github/kubedelta.yml",
      "GET /repos/Codertocat/Hello-World/pulls/2/files",
      // Still at the head under review once listed: the list is that commit's.
      "GET /repos/Codertocat/Hello-World/pulls/2",
      `GET /repos/Codertocat/Hello-World/compare/f95f852bd8fca8fcc58a9a2d6c842781e32a215e...${HEAD_SHA}`,
      `GET /repos/Codertocat/Hello-World/git/trees/${HEAD_SHA}`,
      "POST /graphql",
      "GET /repos/Codertocat/Hello-World/issues/2/comments",
      "GET /repos/Codertocat/Hello-World/pulls/2/comments",
      "GET /repos/Codertocat/Hello-World/pulls/2/reviews",
      "POST /repos/Codertocat/Hello-World/pulls/2/reviews",
      `PATCH /repos/Codertocat/Hello-World/check-runs/${CHECK_RUN_ID}`,
    ]);

    const [created] = bodies(recorded, "POST", "/check-runs");
    expect(created).toEqual({
      name: "KubeDelta",
      head_sha: HEAD_SHA,
      status: "in_progress",
      external_id: "2",
    });

    // Both versions in one batched request.
    const [lookups] = bodies(recorded, "POST", "/graphql").map(
      (b) => (b as { variables: Record<string, string> }).variables,
    );
    expect(lookups.e0).toBe(`${MERGE_BASE}:k8s/svc.yaml`);
    expect(lookups.e1).toBe(`${HEAD_SHA}:k8s/svc.yaml`);

    const [review] = bodies(recorded, "POST", "/pulls/2/reviews");
    expect(review).toMatchObject({ commit_id: HEAD_SHA, event: "COMMENT" });
    const comments = review.comments as { path: string; line: number; side: string; body: string }[];
    expect(comments.map(({ path, line, side }) => ({ path, line, side }))).toEqual([
      { path: "k8s/svc.yaml", line: 7, side: "RIGHT" },
    ]);
    expect(comments[0].body).toMatch(/service-load-balancer/);
    expect(comments[0].body).toMatch(/<!-- kubedelta:fp=[0-9a-f]{16} -->/);

    const [completed] = bodies(recorded, "PATCH", `/check-runs/${CHECK_RUN_ID}`);
    expect(completed).toMatchObject({ status: "completed", conclusion: "failure" });
    const output = completed.output as {
      title: string;
      summary: string;
      annotations: Record<string, unknown>[];
    };
    expect(output.title).toMatch(/1 blocking/);
    expect(output.annotations).toEqual([
      expect.objectContaining({
        path: "k8s/svc.yaml",
        start_line: 7,
        end_line: 7,
        annotation_level: "failure",
      }),
    ]);
    // The summary links the line in the commit reviewed, on the GitHub the app talks to, and says
    // who may approve (the default settings) with the finding's id.
    expect(output.summary).toContain(
      `[line 7](https://github.com/Codertocat/Hello-World/blob/${HEAD_SHA}/k8s/svc.yaml#L7)`,
    );
    expect(output.summary).toMatch(
      /\*\*To approve\*\*, anyone with write access or more \(except the pull request's author\) can comment ` \/approve-risk [0-9a-f]{8} -- reason `\./,
    );
    expect(output.summary).toContain(
      "(https://github.com/kubedelta/kubedelta/blob/main/docs/rules.md#service-load-balancer ",
    );
  });

  it("links rules to KUBEDELTA_DOCS_URL, and a removed line to the merge base it was read at", async () => {
    const docs = "https://ghe.example.com/platform/kubedelta/blob/v0.1.0/docs";
    process.env.KUBEDELTA_DOCS_URL = `${docs}/`;
    try {
      const recorded = serveRepository({
        // The readiness probe removed: its finding sits on the base version's line.
        files: [
          {
            filename: "k8s/api.yaml",
            status: "modified",
            base: SAFE_DEPLOYMENT,
            head: SAFE_DEPLOYMENT.replace(/ {10}readinessProbe: .*\n/, ""),
          },
        ],
      });
      await newProbot().receive(pullRequestEvent() as never);
      const [completed] = bodies(recorded, "PATCH", `/check-runs/${CHECK_RUN_ID}`);
      const { summary } = completed.output as { summary: string };
      expect(summary).toContain(`(${docs}/rules.md#`);
      expect(summary).toContain(
        `[line 14](https://github.com/Codertocat/Hello-World/blob/${MERGE_BASE}/k8s/api.yaml#L14)`,
      );
    } finally {
      delete process.env.KUBEDELTA_DOCS_URL;
    }
  });

  it("posts a successful check and no review when no manifest changed", async () => {
    const recorded = serveRepository({
      files: [{ filename: "README.md", status: "modified", base: "a\n", head: "b\n" }],
    });
    await newProbot().receive(pullRequestEvent() as never);
    expect(traffic(recorded).filter((t) => !t.includes("kubedelta.yml"))).toEqual([
      "POST /repos/Codertocat/Hello-World/check-runs",
      "GET /repos/Codertocat/Hello-World/pulls/2/files",
      "GET /repos/Codertocat/Hello-World/pulls/2",
      `PATCH /repos/Codertocat/Hello-World/check-runs/${CHECK_RUN_ID}`,
    ]);
    const [completed] = bodies(recorded, "PATCH", `/check-runs/${CHECK_RUN_ID}`);
    expect(completed).toMatchObject({
      conclusion: "success",
      output: expect.objectContaining({ title: "No Kubernetes manifest changed" }),
    });
  });

  it("posts no review when every finding already has a KubeDelta comment, but still fails the check", async () => {
    const first = serveRepository({
      files: [serviceChange("LoadBalancer")],
    });
    await newProbot().receive(pullRequestEvent() as never);
    const posted = (bodies(first, "POST", "/pulls/2/reviews")[0].comments as { body: string }[])[0].body;
    nock.cleanAll();

    const second = serveRepository({
      files: [serviceChange("LoadBalancer")],
      existingComments: [{ user: "kubedelta[bot]", body: posted }],
    });
    await newProbot().receive(pullRequestEvent("synchronize") as never);
    expect(bodies(second, "POST", "/pulls/2/reviews")).toEqual([]);
    expect(bodies(second, "PATCH", `/check-runs/${CHECK_RUN_ID}`)[0]).toMatchObject({
      conclusion: "failure",
    });
  });

  it("does not trust markers in comments written by someone else", async () => {
    const recorded = serveRepository({
      files: [serviceChange("LoadBalancer")],
      existingComments: [{ user: "mallory", body: "<!-- kubedelta:fp=0000000000000000 -->" }],
    });
    await newProbot().receive(pullRequestEvent() as never);
    expect(bodies(recorded, "POST", "/pulls/2/reviews")).toHaveLength(1);
  });

  it("reads the base of a renamed file from its old path", async () => {
    const recorded = serveRepository({
      files: [
        {
          filename: "new/svc.yaml",
          previousFilename: "old/svc.yaml",
          status: "renamed",
          base: SERVICE("ClusterIP"),
          head: SERVICE("ClusterIP"),
        },
      ],
    });
    await newProbot().receive(pullRequestEvent() as never);
    // Both versions in one batched request.
    const [lookups] = bodies(recorded, "POST", "/graphql").map(
      (b) => (b as { variables: Record<string, string> }).variables,
    );
    expect(lookups.e0).toBe(`${MERGE_BASE}:old/svc.yaml`);
    expect(lookups.e1).toBe(`${HEAD_SHA}:new/svc.yaml`);
    expect(bodies(recorded, "PATCH", `/check-runs/${CHECK_RUN_ID}`)[0]).toMatchObject({
      conclusion: "success",
    });
    expect(bodies(recorded, "POST", "/pulls/2/reviews")).toEqual([]);
  });

  it("moves the comments into the body when GitHub refuses the inline review (422)", async () => {
    const recorded = serveRepository({
      files: [serviceChange("LoadBalancer")],
      reviewStatus: 422,
    });
    await newProbot().receive(pullRequestEvent() as never);
    const reviews = bodies(recorded, "POST", "/pulls/2/reviews");
    expect(reviews).toHaveLength(2);
    expect(reviews[1].comments).toBeUndefined();
    expect(reviews[1].body).toMatch(/service-load-balancer/);
    expect(bodies(recorded, "PATCH", `/check-runs/${CHECK_RUN_ID}`)[0]).toMatchObject({
      conclusion: "failure",
    });
  });

  it("fails the check, naming the problem, when the configuration is invalid", async () => {
    const recorded = serveRepository({
      files: [serviceChange("ClusterIP")],
      config: "rules:\n  no-such-rule: off\n",
    });
    await newProbot().receive(pullRequestEvent() as never);
    const [completed] = bodies(recorded, "PATCH", `/check-runs/${CHECK_RUN_ID}`);
    expect(completed).toMatchObject({ conclusion: "failure" });
    expect((completed.output as { title: string }).title).toMatch(
      /invalid configuration: .*no-such-rule: unknown rule id/,
    );
  });

  it("runs the repository's custom rules and names them in the check run and the review", async () => {
    const recorded = serveRepository({
      files: [serviceChange("ExternalName")],
      config: EXTERNAL_NAME_RULE,
    });
    await newProbot().receive(pullRequestEvent() as never);
    const [completed] = bodies(recorded, "PATCH", `/check-runs/${CHECK_RUN_ID}`);
    expect(completed).toMatchObject({ conclusion: "failure" });
    const output = completed.output as { annotations: { message: string; start_line: number }[] };
    expect(output.annotations.map((a) => [a.start_line, a.message.split("\n")[0]])).toEqual([
      [7, "Service shop/web: spec.type becomes ExternalName (was ClusterIP)"],
    ]);
    expect(JSON.stringify(output.annotations[0])).toContain(
      "Rule: external-name (Service points outside the cluster)",
    );
    const [review] = bodies(recorded, "POST", "/pulls/2/reviews");
    const [comment] = review.comments as { line: number; body: string }[];
    expect(comment.line).toBe(7);
    expect(comment.body).toContain("(https://github.com/kubedelta/kubedelta/blob/main/docs/custom-rules.md");
  });

  it("uses the NetworkPolicies of unchanged files as context", async () => {
    const covered = serveRepository({
      files: [{ filename: "k8s/api.yaml", status: "added", head: SAFE_DEPLOYMENT }],
      unchanged: { "k8s/policies.yaml": DENY_ALL },
    });
    await newProbot().receive(pullRequestEvent() as never);
    expect(bodies(covered, "POST", "/pulls/2/reviews")).toEqual([]);
    nock.cleanAll();

    const uncovered = serveRepository({
      files: [{ filename: "k8s/api.yaml", status: "added", head: SAFE_DEPLOYMENT }],
    });
    await newProbot().receive(pullRequestEvent() as never);
    const [review] = bodies(uncovered, "POST", "/pulls/2/reviews");
    expect(JSON.stringify(review)).toMatch(/network-policy-missing/);
  });

  it("resolves KubeDelta's threads whose finding the change has fixed, and leaves the others", async () => {
    const risky = serveRepository({
      files: [serviceChange("LoadBalancer")],
    });
    await newProbot().receive(pullRequestEvent() as never);
    const posted = (bodies(risky, "POST", "/pulls/2/reviews")[0].comments as { body: string }[])[0].body;
    nock.cleanAll();

    const fixed = serveRepository({
      files: [serviceChange("ClusterIP")],
      existingComments: [
        { user: "kubedelta[bot]", body: posted },
        { user: "octocat", body: "Why a LoadBalancer?" },
      ],
      threads: [
        { id: "T_ours", isResolved: false, firstCommentId: 1 },
        { id: "T_human", isResolved: false, firstCommentId: 2 },
      ],
    });
    await newProbot().receive(pullRequestEvent("synchronize") as never);
    const mutations = bodies(fixed, "POST", "/graphql").filter((b) => String(b.query).startsWith("mutation"));
    expect(mutations).toHaveLength(1);
    expect(mutations[0].variables).toEqual({ t0: "T_ours" });
    expect(bodies(fixed, "POST", "/pulls/2/reviews")).toEqual([]);
    expect(bodies(fixed, "PATCH", `/check-runs/${CHECK_RUN_ID}`)[0]).toMatchObject({ conclusion: "success" });
  });

  it("does not resolve anything when a file could not be read (the finding may only be hidden)", async () => {
    const recorded = serveRepository({
      files: [
        { filename: "k8s/svc.yaml", status: "modified", base: SERVICE("ClusterIP"), head: "kind: [broken\n" },
      ],
      existingComments: [{ user: "kubedelta[bot]", body: "<!-- kubedelta:fp=0123456789abcdef -->" }],
      threads: [{ id: "T_ours", isResolved: false, firstCommentId: 1 }],
    });
    await newProbot().receive(pullRequestEvent("synchronize") as never);
    expect(
      bodies(recorded, "POST", "/graphql").filter((b) => String(b.query).includes("reviewThreads")),
    ).toEqual([]);
    expect(bodies(recorded, "PATCH", `/check-runs/${CHECK_RUN_ID}`)[0]).toMatchObject({
      conclusion: "failure",
    });
  });

  it("does not run repository-wide rules when the repository is too large to read whole, and says so", async () => {
    const recorded = serveRepository({
      files: [{ filename: "k8s/api.yaml", status: "added", head: SAFE_DEPLOYMENT }],
      unchanged: { "k8s/policies.yaml": DENY_ALL, "k8s/other.yaml": DENY_ALL.replace("deny", "other") },
      config: "limits:\n  maxContextFiles: 1\n",
    });
    await newProbot().receive(pullRequestEvent() as never);
    expect(bodies(recorded, "POST", "/pulls/2/reviews")).toEqual([]);
    const [completed] = bodies(recorded, "PATCH", `/check-runs/${CHECK_RUN_ID}`);
    expect(completed).toMatchObject({ conclusion: "success" });
    expect((completed.output as { summary: string }).summary).toMatch(
      /Not run: network-policy-missing, which need the whole repository\. RBAC chains \(bindings, roles, the pods of service accounts\) follow the changed files only \(the repository has 2 other manifest files, over limits\.maxContextFiles \(1\)\)\./,
    );
  });

  it("still reads the test around a changed fixture when the repository is too large to read whole", async () => {
    const test =
      "apiVersion: chainsaw.kyverno.io/v1alpha1\nkind: Test\nmetadata: {name: policy}\nspec:\n  steps:\n    - try:\n        - error:\n            file: forbidden.yaml\n";
    const pod = (privileged: boolean) =>
      `apiVersion: v1\nkind: Pod\nmetadata:\n  name: escalated\n  namespace: shop\nspec:\n  containers:\n    - name: shell\n      image: registry.example.com/debug:1\n      securityContext:\n        privileged: ${privileged}\n`;
    const recorded = serveRepository({
      files: [
        {
          filename: "tests/chainsaw/policy/forbidden.yaml",
          status: "modified",
          base: pod(false),
          head: pod(true),
        },
      ],
      unchanged: {
        "tests/chainsaw/policy/chainsaw-test.yaml": test,
        "tests/chainsaw/other/chainsaw-test.yaml": test,
        "k8s/policies.yaml": DENY_ALL,
      },
      config: "limits:\n  maxContextFiles: 1\n",
    });
    await newProbot().receive(pullRequestEvent("synchronize") as never);
    const fetched = bodies(recorded, "POST", "/graphql").map((b) => JSON.stringify(b));
    expect(fetched.some((b) => b.includes("tests/chainsaw/policy/chainsaw-test.yaml"))).toBe(true);
    expect(fetched.some((b) => b.includes("tests/chainsaw/other/chainsaw-test.yaml"))).toBe(false);
    expect(bodies(recorded, "POST", "/pulls/2/reviews")).toEqual([]);
    const [completed] = bodies(recorded, "PATCH", `/check-runs/${CHECK_RUN_ID}`);
    expect(completed).toMatchObject({ conclusion: "success" });
    expect(JSON.stringify(completed.output)).toContain(
      "test fixture (chainsaw error in tests/chainsaw/policy/chainsaw-test.yaml)",
    );
  });

  it("follows a service account to a binding in a file the pull request does not touch", async () => {
    const crb =
      "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata:\n  name: admin\n" +
      "roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin}\n" +
      "subjects: [{kind: ServiceAccount, name: admin, namespace: shop}]\n";
    const switched = SAFE_DEPLOYMENT.replace(
      "    spec:\n      containers:",
      "    spec:\n      serviceAccountName: admin\n      containers:",
    );
    const recorded = serveRepository({
      files: [{ filename: "k8s/api.yaml", status: "modified", base: SAFE_DEPLOYMENT, head: switched }],
      unchanged: { "k8s/policies.yaml": DENY_ALL, "k8s/rbac.yaml": crb },
    });
    await newProbot().receive(pullRequestEvent("synchronize") as never);
    const [completed] = bodies(recorded, "PATCH", `/check-runs/${CHECK_RUN_ID}`);
    expect(completed).toMatchObject({ conclusion: "failure" });
    const output = JSON.stringify(completed.output);
    expect(output).toContain("service-account-changed");
    expect(output).toContain("can now do anything (*) with every resource of every API group");
  });
});
