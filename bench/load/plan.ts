// A scenario's repositories and what must come of them: the World the fake serves, and for every
// pull request its commits with their expected verdicts. A pull request with two commits got the
// second pushed before its deliveries go out: its first commit is superseded (GitHub already
// shows the second as its head).

import { Rng } from "../prng.js";
import { type Pull, World } from "./fake/world.js";
import { type Change, type Expectation, expectationOf, teamFiles, teamName } from "./fixtures.js";

export interface PlannedCommit {
  sha: string;
  changes: Change[];
  expect: Expectation;
  /** Not the pull request's head any more: no check is also a right answer. */
  superseded: boolean;
}

export interface PlannedPull {
  pull: Pull;
  commits: PlannedCommit[];
}

export interface Plan {
  world: World;
  pulls: PlannedPull[];
}

export const FIRST_INSTALLATION = 9100;

/**
 * `pulls[i]` lists the changes of each commit of pull request i (one list: one commit). Pull
 * requests go to the installations in turn; each installation has one repository.
 */
export function buildPlan(pulls: Change[][][], installations = 1): Plan {
  const world = new World();
  const owners = Array.from({ length: installations }, (_, i) =>
    world.addInstallation(FIRST_INSTALLATION + i, `load-org-${i + 1}`, "platform-manifests"),
  );
  const teamsOf = owners.map((_, i) => pulls.map((_, p) => p).filter((p) => p % installations === i));
  const baseTrees = owners.map((_, i) => new Map(teamsOf[i].flatMap((p) => [...teamFiles(teamName(p + 1))])));
  for (const [i, installation] of owners.entries())
    world.setBase(installation, world.addCommit(installation, baseTrees[i], "base"));
  const planned = pulls.map((commits, p) => {
    const i = p % installations;
    const team = teamName(p + 1);
    const shas = commits.map((changes, c) => {
      const tree = new Map([...baseTrees[i], ...teamFiles(team, changes)]);
      return world.addCommit(owners[i], tree, `${team}/${c}/${changes.join("+")}`);
    });
    const pull = world.addPull(owners[i], Math.floor(p / installations) + 1, shas[0]);
    for (const sha of shas.slice(1)) world.push(pull, sha);
    return {
      pull,
      commits: commits.map((changes, c) => ({
        sha: shas[c],
        changes,
        expect: expectationOf(changes),
        superseded: c < commits.length - 1,
      })),
    };
  });
  return { world, pulls: planned };
}

/** The mix of the burst: a third blocking (one or three risks), a third advice, the rest quiet or docs only. */
const BURST_MIX: Change[][] = [["lb"], ["advice"], ["quiet"], ["multi"], ["advice"], ["docs"]];

/**
 * `count` pull requests of one commit each in the burst's proportions, in a seeded random order: taken
 * in turn, a round-robin balancer would hand every risky pull request to the same replica.
 */
export function burstPulls(count: number, seed: number): Change[][][] {
  const pulls = cycled(BURST_MIX, count);
  const rng = new Rng(seed);
  for (let i = pulls.length - 1; i > 0; i--) {
    const j = rng.int(0, i);
    [pulls[i], pulls[j]] = [pulls[j], pulls[i]];
  }
  return pulls;
}

/** `count` pull requests of one commit each, their changes taken from `mix` in turn. */
export function cycled(mix: Change[][], count: number): Change[][][] {
  return Array.from({ length: count }, (_, i) => [mix[i % mix.length]]);
}
