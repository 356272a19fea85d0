// Who may accept a risk: decided with GitHub's collaborator-permission and team-membership
// endpoints (never with `author_association`, which says nothing about what a person may do).

import { sameLogin } from "../engine/ids.js";
import type { ApprovalSettings, Permission } from "../policy/types.js";
import { PERMISSIONS } from "../policy/types.js";
import { httpStatus, type Octokit, type RepoRef } from "./types.js";

export type Authorization = { allowed: true; as: string } | { allowed: false; why: string };

function rank(permission: string): number {
  return PERMISSIONS.indexOf(permission as Permission);
}

/** The person's role on the repository ("none" when not a collaborator). */
async function roleOf(octokit: Octokit, repo: RepoRef, login: string): Promise<Permission> {
  try {
    const { data } = await octokit.rest.repos.getCollaboratorPermissionLevel({ ...repo, username: login });
    // role_name tells maintain and triage apart; permission is the older, coarser field.
    const role = (data as { role_name?: string }).role_name ?? data.permission;
    return rank(role) >= 0 ? (role as Permission) : "none";
  } catch (error) {
    if (httpStatus(error) === 404) return "none";
    throw error;
  }
}

async function isActiveMember(octokit: Octokit, team: string, login: string): Promise<boolean> {
  const [org, slug] = team.split("/");
  try {
    const { data } = await octokit.rest.teams.getMembershipForUserInOrg({
      org,
      team_slug: slug,
      username: login,
    });
    return data.state === "active";
  } catch (error) {
    if (httpStatus(error) === 404) return false;
    throw error;
  }
}

export interface Approver {
  login: string;
  /** GitHub's account type: "User", "Bot" or "Organization". */
  type: string;
}

export async function authorize(
  octokit: Octokit,
  repo: RepoRef,
  approver: Approver,
  author: string,
  settings: ApprovalSettings,
): Promise<Authorization> {
  const login = approver.login;
  if (approver.type === "Bot" || login.endsWith("[bot]"))
    return { allowed: false, why: "bots cannot approve risks" };
  if (sameLogin(login, author) && !settings.allowAuthor) {
    return { allowed: false, why: "the author of a pull request cannot approve its own risks" };
  }
  if (settings.users.some((user) => sameLogin(user, login))) return { allowed: true, as: "listed user" };
  if (settings.minPermission !== "none") {
    const role = await roleOf(octokit, repo, login);
    if (rank(role) >= rank(settings.minPermission)) return { allowed: true, as: `${role} on the repository` };
  }
  for (const team of settings.teams) {
    if (await isActiveMember(octokit, team, login)) return { allowed: true, as: `member of ${team}` };
  }
  const ways = [
    settings.minPermission !== "none"
      ? `at least ${settings.minPermission} permission on this repository`
      : "",
    settings.teams.length > 0 ? `membership of ${settings.teams.join(" or ")}` : "",
    settings.users.length > 0 ? "being listed in approvals.users" : "",
  ].filter(Boolean);
  const needs = ways.length > 0 ? `approving needs ${ways.join(", or ")}` : "nobody is configured to approve";
  return { allowed: false, why: `${login} may not approve risks here: ${needs}` };
}
