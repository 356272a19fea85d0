// image-tag-mutable: a container image that starts floating. `:latest` and a missing tag (which
// means `:latest`) name whatever was pushed last, and an image that drops its `@sha256:` digest can
// be re-pointed by whoever can push the tag. A bump between fixed tags, or adding a digest, is
// routine and stays quiet; so does an image that was already floating.

import type { ResourceChange, Rule, RuleContext } from "../engine/rule.js";
import type { RuleHit } from "../engine/types.js";
import { type ContainerRef, containerPairs } from "../k8s/containers.js";
import { canonicalLocation, type ImageRef, parseImageRef } from "../k8s/images.js";
import { describeResource } from "../k8s/objects.js";

const LATEST = "latest";

interface Image {
  text: string;
  ref: ImageRef;
}

function imageOf(container: ContainerRef | undefined): Image | undefined {
  const image = container?.container.image;
  if (typeof image !== "string") return undefined;
  const ref = parseImageRef(image);
  return ref ? { text: image.trim(), ref } : undefined;
}

/** Floating: no digest, and no tag or the `latest` tag. A digest pins the image whatever the tag. */
export function isFloating(ref: ImageRef): boolean {
  return ref.digest === undefined && (ref.tag === undefined || ref.tag === LATEST);
}

function containerWord(container: ContainerRef): string {
  if (container.list === "initContainers") return "init container";
  if (container.list === "ephemeralContainers") return "ephemeral container";
  return "container";
}

const WHY =
  "every pull may run code nobody reviewed, nodes can run different versions side by side, and a rollback " +
  "cannot bring the old image back.";
const FIX = "Pin a version tag, and better a digest (`image: name:tag@sha256:…`).";

/**
 * What makes the image mutable, as the rest of a sentence about the container, or undefined when
 * this change does not make it so. `now` is "now " for a change, "" for a container judged as new.
 */
function becameMutable(previous: Image | undefined, next: Image, now: string): string | undefined {
  const { ref, text } = next;
  if (isFloating(ref)) {
    if (previous && isFloating(previous.ref)) return undefined;
    return ref.tag === undefined
      ? `${now}uses image \`${text}\` without a tag or digest, which pulls whatever \`latest\` points at`
      : `${now}uses image \`${text}\`, whose \`latest\` tag moves with every push`;
  }
  if (ref.digest === undefined && previous?.ref.digest !== undefined) {
    return (
      `drops the digest pin of its image: \`${previous.text}\` becomes \`${text}\`, a tag that can be ` +
      "re-pushed to another image"
    );
  }
  return undefined;
}

function check(change: ResourceChange, ctx: RuleContext): RuleHit[] {
  const { after } = change;
  if (!after) return [];
  const hits: RuleHit[] = [];
  for (const pair of containerPairs(change)) {
    const container = pair.after;
    const next = imageOf(container);
    if (!container || !next) continue;
    // An unreadable old image is no baseline: the container is judged as new.
    const previous = imageOf(pair.before);
    const word = containerWord(container);
    // Full-state mode judges every resource as if it were new; "New" and "now" would mislead there.
    const isNew = !pair.before && !ctx.fullState;
    const what = becameMutable(previous, next, pair.before ? "now " : "");
    if (!what) continue;
    const subject = isNew
      ? `New ${word} \`${container.name}\``
      : `${word[0].toUpperCase()}${word.slice(1)} \`${container.name}\``;
    const { registry, repository } = canonicalLocation(next.ref);
    hits.push({
      path: [...container.path, "image"],
      // Untagged and `latest` are one risk; a dropped pin is keyed by the tag it now follows.
      key: `${container.name}|${registry}/${repository}|${next.ref.tag ?? LATEST}`,
      message: `${subject} of ${describeResource(after)} ${what}: ${WHY} ${FIX}`,
    });
  }
  return hits;
}

export const imageTagMutableRule: Rule = {
  id: "image-tag-mutable",
  title: "Container image becomes mutable",
  defaultSeverity: "medium",
  description:
    "Flags a container image that becomes mutable: newly `latest`, newly without tag and digest, or no longer pinned by digest; a new container with such an image too.",
  rationale:
    "A tag is a pointer the publisher can move. `latest` (also what an image without a tag pulls) moves with " +
    "every push, so the code that runs is not the code that was reviewed, replicas drift apart, and a rollback " +
    "to the previous manifest brings back nothing. A digest pins the exact image; dropping it hands that control " +
    "back to whoever can push the tag. Images that were already floating, bumps between fixed tags, and added " +
    "digests are not reported.",
  remediation:
    "Use a fixed version tag, preferably with its digest (name:1.4.2@sha256:…), and let a dependency bot propose " +
    "the bumps.",
  example: {
    before: `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
spec:
  template:
    spec:
      containers:
        - name: api
          image: ghcr.io/shop/api:1.4.2
`,
    after: `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
spec:
  template:
    spec:
      containers:
        - name: api
          image: ghcr.io/shop/api:latest
`,
  },
  check,
};
