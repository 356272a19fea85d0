// What the App wrote to the fake GitHub: check runs, reviews, inline and conversation comments,
// each with the replica that wrote it and when, so that the report can judge every head commit.

export interface CheckRun {
  id: number;
  repo: string;
  head_sha: string;
  name: string;
  status: string;
  conclusion?: string;
  external_id?: string;
  output?: { title?: string; summary?: string; text?: string };
  actions?: unknown;
  check_suite: { id: number };
  started_at: string;
  completed_at?: string;
  /** performance.now() of creation and of the update that completed it. */
  createdAt: number;
  completedAt?: number;
  replica: number;
  updates: number;
}

export interface Review {
  id: number;
  repo: string;
  number: number;
  commit_id: string;
  body: string;
  user: { login: string; type: string };
  state: string;
  comments: number;
  at: number;
  replica: number;
}

export interface ReviewComment {
  id: number;
  repo: string;
  number: number;
  pull_request_review_id: number;
  commit_id: string;
  path: string;
  line: number;
  side: string;
  body: string;
  user: { login: string; type: string };
  in_reply_to_id?: number;
  resolved: boolean;
}

export interface IssueComment {
  id: number;
  repo: string;
  number: number;
  body: string;
  user: { login: string; type: string };
  created_at: string;
  updated_at: string;
}

export const BOT = { login: "kubedelta[bot]", type: "Bot" };

export class Records {
  readonly checkRuns = new Map<number, CheckRun>();
  readonly reviews: Review[] = [];
  readonly reviewComments: ReviewComment[] = [];
  readonly issueComments: IssueComment[] = [];
  private nextId = 1;

  id(): number {
    return this.nextId++;
  }

  runsFor(repo: string, sha: string): CheckRun[] {
    return [...this.checkRuns.values()].filter((r) => r.repo === repo && r.head_sha === sha);
  }

  reviewsOf(repo: string, number: number): Review[] {
    return this.reviews.filter((r) => r.repo === repo && r.number === number);
  }

  commentsOf(repo: string, number: number): ReviewComment[] {
    return this.reviewComments.filter((c) => c.repo === repo && c.number === number);
  }

  conversationOf(repo: string, number: number): IssueComment[] {
    return this.issueComments.filter((c) => c.repo === repo && c.number === number);
  }
}
