// The three GraphQL requests KubeDelta makes: file contents through aliased
// `object(expression: "<commit>:<path>")` lookups, its review threads, and resolving threads.
// Anything else is answered with a GraphQL error that names the fake, and counted as unknown.

import type { Records, ReviewComment } from "./records.js";
import type { World } from "./world.js";

export interface GraphqlAnswer {
  status: number;
  body: unknown;
  /** The query is none of those the fake knows. */
  unknown?: boolean;
}

type Variables = Record<string, unknown>;

function ok(data: unknown): GraphqlAnswer {
  return { status: 200, body: { data } };
}

function blobLookups(world: World, variables: Variables): GraphqlAnswer {
  const { owner, name } = variables as { owner: string; name: string };
  if (!world.installationOf(owner, name)) {
    return {
      status: 200,
      body: {
        data: { repository: null },
        errors: [
          {
            type: "NOT_FOUND",
            message: `Could not resolve to a Repository with the name '${owner}/${name}'.`,
          },
        ],
      },
    };
  }
  const repository: Record<string, unknown> = {};
  for (const [key, expression] of Object.entries(variables)) {
    const index = /^e(\d+)$/.exec(key)?.[1];
    if (index === undefined || typeof expression !== "string") continue;
    const colon = expression.indexOf(":");
    const oid = world
      .commitIn(owner, name, expression.slice(0, colon))
      ?.tree.get(expression.slice(colon + 1));
    repository[`f${index}`] =
      oid === undefined
        ? null
        : { oid, isBinary: false, isTruncated: false, text: world.blobs.get(oid) ?? "" };
  }
  return ok({ repository });
}

/** A thread starts at a comment that replies to none. */
function threadsOf(comments: ReviewComment[]) {
  return comments
    .filter((c) => c.in_reply_to_id === undefined)
    .map((c) => ({
      id: `thread-${c.id}`,
      isResolved: c.resolved,
      comments: { nodes: [{ databaseId: c.id }] },
    }));
}

function reviewThreads(records: Records, variables: Variables): GraphqlAnswer {
  const { owner, name, number } = variables as { owner: string; name: string; number: number };
  const nodes = threadsOf(records.commentsOf(`${owner}/${name}`, Number(number)));
  return ok({
    repository: {
      pullRequest: { reviewThreads: { nodes, pageInfo: { hasNextPage: false, endCursor: null } } },
    },
  });
}

function resolveThreads(records: Records, variables: Variables): GraphqlAnswer {
  const data: Record<string, unknown> = {};
  for (const [key, threadId] of Object.entries(variables)) {
    const id = Number(String(threadId).replace(/^thread-/, ""));
    const comment = records.reviewComments.find((c) => c.id === id);
    if (!comment) {
      return {
        status: 200,
        body: {
          data: null,
          errors: [
            { type: "NOT_FOUND", message: `Could not resolve to a node with the global id of '${threadId}'` },
          ],
        },
      };
    }
    comment.resolved = true;
    data[key.replace(/^t/, "r")] = { thread: { id: threadId } };
  }
  return ok(data);
}

export function answerGraphql(world: World, records: Records, body: unknown): GraphqlAnswer {
  const { query, variables = {} } = (body ?? {}) as { query?: unknown; variables?: Variables };
  if (typeof query !== "string") return { status: 400, body: { message: "Problems parsing JSON" } };
  if (query.includes("resolveReviewThread")) return resolveThreads(records, variables);
  if (query.includes("reviewThreads")) return reviewThreads(records, variables);
  if (query.includes("object(expression")) return blobLookups(world, variables);
  return {
    status: 200,
    body: {
      data: null,
      errors: [
        {
          message:
            "bench/load fake GitHub: this GraphQL query is not served (add it to bench/load/fake/graphql.ts)",
        },
      ],
    },
    unknown: true,
  };
}

export function isMutation(body: unknown): boolean {
  const query = (body as { query?: unknown } | undefined)?.query;
  return typeof query === "string" && /^\s*mutation\b/.test(query);
}
