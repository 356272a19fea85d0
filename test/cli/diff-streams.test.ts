// `kubedelta diff` of standard input (-); pipes (process substitution) are in bin.test.ts, run by bash.

import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cli } from "./run-cli.js";
import { files, service, where } from "./stream-fixtures.js";

describe("kubedelta diff with standard input", () => {
  it("reads - as one side, named after the other side's file", async () => {
    const dir = files();
    const run = await cli(["diff", "-", join(dir, "svc.yaml"), "--format", "json"], service("ClusterIP"));
    expect(run.code).toBe(1);
    expect(where(run.stdout)).toEqual(["service-load-balancer svc.yaml:4"]);
    const head = await cli(["diff", join(dir, "old.yaml"), "-", "--format", "json"], service("NodePort"));
    expect(where(head.stdout)).toEqual(["service-node-port old.yaml:4"]);
  });

  it('names it "stdin" against /dev/null, which still means absent on that side', async () => {
    const run = await cli(["diff", "/dev/null", "-", "--format", "json"], service("LoadBalancer"));
    expect(where(run.stdout)).toEqual(["service-load-balancer stdin:4"]);
    const removed = await cli(["diff", "-", "/dev/null", "--format", "json"], service("LoadBalancer"));
    expect(removed.code).toBe(0);
    expect(JSON.parse(removed.stdout).stats).toMatchObject({
      resourcesBase: 1,
      resourcesHead: 0,
      removed: 1,
    });
  });

  it("refuses - on both sides, and - against a directory", async () => {
    expect(await cli(["diff", "-", "-"], "")).toMatchObject({
      code: 2,
      stderr: "kubedelta: standard input (-) can be only one of BASE and HEAD\n",
    });
    const dir = files();
    expect(await cli(["diff", "-", join(dir, "tree")], "")).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/both be files or both be directories/),
    });
  });
});
