// Pod spec line i is file line 10 + i (see pod-fixtures): `containers:` is line 11, the first
// container's `- name:` line 12, `image:` 13, `env:`/`envFrom:` 14 and its first item 15.

import { describe, expect, it } from "vitest";
import { resourceSet } from "../../src/engine/resource-set.js";
import type { JsonObject } from "../../src/engine/types.js";
import { secretInEnvRule } from "../../src/rules/secret-in-env.js";
import { type Case, fakeResource, table, workload } from "./pod-fixtures.js";
import { runRule } from "./tester.js";

const rule = secretInEnvRule;

/** An env item reading one key of a Secret (flow style: one line). */
const secretVar = (name: string, secret: string, key: string) =>
  `      - { name: ${name}, valueFrom: { secretKeyRef: { name: ${secret}, key: ${key} } } }`;
const plainVar = (name: string, value: string) => `      - { name: ${name}, value: ${value} }`;
const fromSecret = (secret: string, prefix?: string) =>
  `      - { secretRef: { name: ${secret} }${prefix ? `, prefix: ${prefix}` : ""} }`;
const fromConfigMap = (name: string) => `      - { configMapRef: { name: ${name} } }`;

interface ContainerSpec {
  env?: string[];
  envFrom?: string[];
}

const container = (name: string, { env, envFrom }: ContainerSpec = {}) => [
  `  - name: ${name}`,
  "    image: ghcr.io/shop/api:1.4.2",
  ...(env ? ["    env:", ...env] : []),
  ...(envFrom ? ["    envFrom:", ...envFrom] : []),
];
const deploy = (...containers: string[][]) => workload(["containers:", ...containers.flat()]);
const api = (spec: ContainerSpec = {}) => deploy(container("api", spec));

const DB = secretVar("DB_PASSWORD", "db", "password");

const cases: Case[] = [
  {
    name: "renaming the variable that holds the same Secret key exposes nothing new",
    base: api({ env: [secretVar("A", "db", "password")] }),
    head: api({ env: [DB] }),
    expected: [],
  },
  {
    name: "an existing container starts reading a Secret key",
    base: api({ env: [plainVar("MODE", "fast")] }),
    head: api({ env: [plainVar("MODE", "fast"), DB] }),
    expected: [{ line: 16, side: "head", severity: "medium" }],
  },
  {
    name: "a new workload reading a Secret key",
    head: api({ env: [DB] }),
    expected: [{ line: 15, side: "head", severity: "medium" }],
  },
  {
    name: "a plain value replaced by a Secret read",
    base: api({ env: [plainVar("DB_PASSWORD", "hunter2")] }),
    head: api({ env: [DB] }),
    expected: [{ line: 15, side: "head", severity: "medium" }],
  },
  {
    name: "the same variable now reads another Secret",
    base: api({ env: [DB] }),
    head: api({ env: [secretVar("DB_PASSWORD", "db-admin", "password")] }),
    expected: [{ line: 15, side: "head", severity: "medium" }],
  },
  {
    name: "the same variable now reads another key",
    base: api({ env: [DB] }),
    head: api({ env: [secretVar("DB_PASSWORD", "db", "root-password")] }),
    expected: [{ line: 15, side: "head", severity: "medium" }],
  },
  {
    name: "a new envFrom secretRef",
    base: api({ envFrom: [fromConfigMap("settings")] }),
    head: api({ envFrom: [fromConfigMap("settings"), fromSecret("db")] }),
    expected: [{ line: 16, side: "head", severity: "medium" }],
  },
  {
    name: "a Secret key read by one container, now by a second one too",
    base: deploy(container("api", { env: [DB] }), container("worker")),
    head: deploy(container("api", { env: [DB] }), container("worker", { env: [DB] })),
    expected: [{ line: 19, side: "head", severity: "medium" }],
  },
  {
    name: "a new init container reading a Secret",
    base: api(),
    head: workload([
      "initContainers:",
      ...container("migrate", { env: [DB] }),
      "containers:",
      ...container("api"),
    ]),
    expected: [{ line: 15, side: "head", severity: "medium" }],
  },
  {
    name: "a new ephemeral container loading a Secret",
    base: api(),
    head: workload([
      "containers:",
      ...container("api"),
      "ephemeralContainers:",
      ...container("debug", { envFrom: [fromSecret("db")] }),
    ]),
    expected: [{ line: 18, side: "head", severity: "medium" }],
  },
  {
    name: "two new reads in one container, one finding each",
    base: api(),
    head: api({ env: [DB, secretVar("API_TOKEN", "stripe", "token")], envFrom: [fromSecret("aws")] }),
    expected: [
      { line: 15, side: "head", severity: "medium" },
      { line: 16, side: "head", severity: "medium" },
      { line: 18, side: "head", severity: "medium" },
    ],
  },
  {
    name: "a Secret read in block style points at the env item",
    base: api(),
    head: deploy([
      "  - name: api",
      "    image: ghcr.io/shop/api:1.4.2",
      "    env:",
      "      - name: MODE",
      "        value: fast",
      "      - name: DB_PASSWORD",
      "        valueFrom:",
      "          secretKeyRef:",
      "            name: db",
      "            key: password",
    ]),
    expected: [{ line: 17, side: "head", severity: "medium" }],
  },
  {
    name: "a read listed twice is reported once",
    base: api(),
    head: api({ env: [DB, DB] }),
    expected: [{ line: 15, side: "head", severity: "medium" }],
  },
  {
    name: "full-state mode reports a pre-existing read",
    base: api({ env: [DB] }),
    head: api({ env: [DB] }),
    fullState: true,
    expected: [{ line: 15, side: "head", severity: "medium" }],
  },
  // Silent.
  {
    name: "reads reordered, plain variables added",
    base: api({
      env: [DB, secretVar("TOKEN", "stripe", "token")],
      envFrom: [fromSecret("a"), fromSecret("b")],
    }),
    head: api({
      env: [plainVar("MODE", "fast"), secretVar("TOKEN", "stripe", "token"), DB],
      envFrom: [fromSecret("b"), fromSecret("a")],
    }),
    expected: [],
  },
  {
    name: "containers reading Secrets reordered",
    base: deploy(container("a", { env: [DB] }), container("b", { envFrom: [fromSecret("x")] })),
    head: deploy(container("b", { envFrom: [fromSecret("x")] }), container("a", { env: [DB] })),
    expected: [],
  },
  {
    name: "a read respelled in block style with optional added",
    base: api({ env: [DB] }),
    head: deploy([
      "  - name: api",
      "    image: ghcr.io/shop/api:1.4.3",
      "    env:",
      "      - name: DB_PASSWORD",
      "        valueFrom:",
      "          secretKeyRef: { key: password, name: db, optional: true }",
    ]),
    expected: [],
  },
  {
    name: "an envFrom prefix change",
    base: api({ envFrom: [fromSecret("db")] }),
    head: api({ envFrom: [fromSecret("db", "DB_")] }),
    expected: [],
  },
  {
    name: "a key already loaded through envFrom, now read by name",
    base: api({ envFrom: [fromSecret("db")] }),
    head: api({ env: [DB] }),
    expected: [],
  },
  {
    name: "a workload reading Secrets moved to another file",
    base: { "a.yaml": api({ env: [DB] }) },
    head: { "apps/web.yaml": api({ env: [DB] }) },
    expected: [],
  },
  {
    name: "an unrelated edit on a container that reads a Secret",
    base: api({ env: [DB] }),
    head: api({ env: [DB, plainVar("MODE", "fast")], envFrom: [fromConfigMap("settings")] }),
    expected: [],
  },
  {
    name: "a read removed",
    base: api({ env: [DB], envFrom: [fromSecret("aws")] }),
    head: api(),
    expected: [],
  },
  { name: "a workload removed", base: api({ env: [DB] }), expected: [] },
  {
    name: "ConfigMap reads and field references",
    base: api(),
    head: api({
      env: [
        "      - { name: A, valueFrom: { configMapKeyRef: { name: settings, key: a } } }",
        "      - { name: B, valueFrom: { fieldRef: { fieldPath: metadata.name } } }",
      ],
      envFrom: [fromConfigMap("settings")],
    }),
    expected: [],
  },
  {
    name: "a Secret read without Secret name or key (the API server refuses it)",
    base: api(),
    head: api({
      env: [
        "      - { name: A, valueFrom: { secretKeyRef: { key: a } } }",
        '      - { name: B, valueFrom: { secretKeyRef: { name: "", key: b } } }',
        "      - { name: C, valueFrom: { secretKeyRef: { name: c } } }",
      ],
      envFrom: ["      - { secretRef: {} }", "      - { secretRef: { name: [x] } }"],
    }),
    expected: [],
  },
  {
    name: "a custom resource called Deployment",
    head: api({ env: [DB] }).replace("apps/v1", "example.com/v1"),
    expected: [],
  },
];

describe("secret-in-env", () => {
  table(rule, cases);

  it("names the container, the variable and the Secret, never a value", () => {
    const [read] = runRule(rule, api(), api({ env: [DB] }));
    expect(read.message).toBe(
      "Container `api` of Deployment shop/web now reads key `password` of Secret `db` into environment " +
        "variable `DB_PASSWORD`. Environment variables leak easily: child processes inherit them, crash " +
        "reports and debug endpoints dump them, and anyone who can exec into the pod can read them. Mount the " +
        "Secret as a file (a secret volume) instead, or confirm the workload needs it.",
    );
    const [loaded] = runRule(rule, api(), api({ envFrom: [fromSecret("db")] }));
    expect(loaded.message).toMatch(
      /^Container `api` of Deployment shop\/web now loads every key of Secret `db` into its environment \(envFrom\)\. /,
    );
    const init = workload([
      "initContainers:",
      ...container("migrate", { env: [DB] }),
      "containers:",
      ...container("api"),
    ]);
    expect(runRule(rule, undefined, init)[0].message).toMatch(
      /^Init container `migrate` of Deployment shop\/web/,
    );
    const [full] = runRule(rule, api({ env: [DB] }), api({ env: [DB] }), { fullState: true });
    expect(full.message).toMatch(/ of Deployment shop\/web reads key /);
  });

  it("keeps the fingerprint across moves and reformatting, not across Secrets, keys or containers", () => {
    const run = (head: string, file = "manifest.yaml") =>
      runRule(rule, undefined, { [file]: head })[0].fingerprint;
    const plain = run(api({ env: [DB] }));
    expect(run(`\n\n${api({ env: [plainVar("X", "y"), DB] })}`, "x/y.yaml")).toBe(plain);
    expect(run(api({ env: [secretVar("DB_PASSWORD", "db2", "password")] }))).not.toBe(plain);
    expect(run(api({ env: [secretVar("DB_PASSWORD", "db", "user")] }))).not.toBe(plain);
    expect(run(deploy(container("worker", { env: [DB] })))).not.toBe(plain);
    expect(run(api({ envFrom: [fromSecret("db")] }))).not.toBe(plain);
  });

  it("has an example that fires", () => {
    const { before, after } = rule.example ?? { after: "" };
    expect(runRule(rule, before, after)).toHaveLength(1);
  });

  it("never throws on malformed workloads", () => {
    const garbage = `apiVersion: apps/v1
kind: Deployment
metadata: { name: web, namespace: shop }
spec:
  template:
    spec:
      containers:
        - { name: a, env: "oops", envFrom: 5 }
        - { name: b, env: [null, 5, [], { name: [x] }, { valueFrom: "x" }, { valueFrom: { secretKeyRef: 5 } }] }
        - { name: c, envFrom: [null, "x", { secretRef: "db" }, { secretRef: { name: { a: 1 } } }] }
      initContainers: { name: debug }
---
apiVersion: apps/v1
kind: StatefulSet
metadata: { name: db, namespace: shop }
spec: null
`;
    for (const [base, head] of [
      [undefined, garbage],
      [api({ env: [DB] }), garbage],
      [garbage, api()],
      [garbage, undefined],
    ]) {
      expect(runRule(rule, base, head)).toEqual([]);
      expect(() => runRule(rule, base, head, { fullState: true })).not.toThrow();
    }
    const objects: JsonObject[] = [
      { spec: null },
      { spec: { template: { spec: { containers: [5, { env: { a: 1 } }] } } } },
    ];
    const context = { params: {}, base: resourceSet([]), head: resourceSet([]), fullState: false };
    for (const object of objects) expect(rule.check({ after: fakeResource(object) }, context)).toEqual([]);
  });

  it("reads a nameless variable by its position", () => {
    const head = api({ env: ["      - { valueFrom: { secretKeyRef: { name: db, key: password } } }"] });
    expect(runRule(rule, undefined, head)[0].message).toContain("environment variable `#0`");
  });
});
