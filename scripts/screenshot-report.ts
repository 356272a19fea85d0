// Looks at the report as a reviewer would: renders the bundled example's check-run summary and
// one inline comment with a GFM parser (marked) and GitHub's stylesheet (github-markdown-css) in
// headless Chromium (Debian's `chromium`), at the width of a check run's page, and writes PNGs for
// the README. It also prints how many findings the first 900 px show. A dev tool, not a test:
// `node --import tsx scripts/screenshot-report.ts [--out docs/images]`.

import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { marked } from "marked";
import { chromium } from "playwright-core";
import { exampleOutputs } from "./example-review.js";

const require = createRequire(import.meta.url);
const CSS = readFileSync(require.resolve("github-markdown-css/github-markdown-light.css"), "utf8");
// A check run's summary column on github.com at a 1280 px window; an inline comment's body.
const SUMMARY_WIDTH = 880;
const COMMENT_WIDTH = 760;
const SCREEN_HEIGHT = 900;
const CHROMIUM = process.env.CHROMIUM ?? "/usr/bin/chromium";

function page(markdown: string, width: number): string {
  const body = marked.parse(markdown, { gfm: true, async: false });
  return `<!doctype html><html><head><meta charset="utf-8"><style>${CSS}
    body { margin: 0; background: #fff; }
    .markdown-body { box-sizing: border-box; width: ${width}px; padding: 16px 24px; }
  </style></head><body><article class="markdown-body">${body}</article></body></html>`;
}

async function main(): Promise<void> {
  const outIndex = process.argv.indexOf("--out");
  const out = outIndex > 0 ? process.argv[outIndex + 1] : "docs/images";
  mkdirSync(out, { recursive: true });
  const { check, plan } = await exampleOutputs();
  const comment = plan?.comments[0];
  if (!comment) throw new Error("the example has no inline comment");

  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    // No network: Chromium's background services would only be refused.
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"],
  });
  try {
    const tab = await browser.newPage({ viewport: { width: SUMMARY_WIDTH, height: SCREEN_HEIGHT } });
    await tab.setContent(page(check.summary, SUMMARY_WIDTH));
    const height = await tab.evaluate(() => document.body.scrollHeight);
    const onFirstScreen = await tab.evaluate(
      (limit) =>
        [...document.querySelectorAll("li li")].filter((li) => li.getBoundingClientRect().bottom <= limit)
          .length,
      SCREEN_HEIGHT,
    );
    const findings = check.summary.split("\n").filter((line) => line.startsWith("  - ")).length;
    await tab.screenshot({
      path: join(out, "check-summary.png"),
      clip: clipTo(SUMMARY_WIDTH, SCREEN_HEIGHT),
    });

    await tab.setViewportSize({ width: COMMENT_WIDTH, height: 400 });
    await tab.setContent(page(comment.body, COMMENT_WIDTH));
    const commentHeight = await tab.evaluate(() => document.body.scrollHeight);
    await tab.screenshot({
      path: join(out, "inline-comment.png"),
      clip: clipTo(COMMENT_WIDTH, commentHeight),
    });

    const report = { summaryHeight: height, findingLines: findings, onFirstScreen, commentHeight };
    writeFileSync(join(out, "report-measures.json"), `${JSON.stringify(report, null, 2)}\n`);
    console.log(
      `summary: ${height} px tall, ${onFirstScreen} of ${findings} finding lines within the first ${SCREEN_HEIGHT} px; ` +
        `inline comment: ${commentHeight} px`,
    );
  } finally {
    await browser.close();
  }
}

function clipTo(width: number, height: number) {
  return { x: 0, y: 0, width, height };
}

await main();
