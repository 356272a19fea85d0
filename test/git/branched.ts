// A history both the git layer's and the CLI's tests resolve: a feature branch that left main one
// commit before main moved on.

import { Repository } from "../action/repository.js";

export interface Branched {
  repo: Repository;
  /** Where feature left main. */
  fork: string;
  /** feature's commit, checked out. */
  head: string;
  /** main's commit after the fork. */
  main: string;
}

export function branched(): Branched {
  const repo = new Repository();
  const fork = repo.commit("base", { "a.yaml": "a\n" });
  repo.git("checkout", "-q", "-b", "feature");
  const head = repo.commit("feature", { "b.yaml": "b\n" });
  repo.git("checkout", "-q", "main");
  const main = repo.commit("main moves on", { "c.yaml": "c\n" });
  repo.git("checkout", "-q", "feature");
  return { repo, fork, head, main };
}
