// Walks a declared path through both sides of a resource at once and pairs the concrete fields it
// reaches, so that a custom rule compares each field with its own earlier version. Under `[*]`,
// list items pair by identity rather than position wherever they have one, so reordering a list
// changes nothing: mappings that all carry a string `name` pair by name, scalars by value, other
// lists by index. `[*]` over a mapping pairs its entries by key.

import { isObject, type Json, type Path, type PathSegment } from "../../engine/types.js";
import { type FieldStep, joinSteps, keyText } from "./field-path.js";

/** One concrete field on either side of the change (absent where that side has no value). */
export interface FieldPair {
  before?: { value: Json; path: Path };
  after?: { value: Json; path: Path };
  /**
   * The field's identity across the change: the path with list items named by their `name` or
   * value where they are paired so, never by a position that a reordering would change.
   */
  key: string;
  /** The concrete path as written, head side when present (`containers[1].image`). */
  text: string;
  /**
   * A `[*]` item on the way to the field is gone from the head (a container removed whole): the
   * field went with its owner, which is not the same as taking the field away from it.
   */
  ownerRemoved: boolean;
}

interface Side {
  value: Json | undefined;
  path: PathSegment[];
  text: string[];
}

interface Walk {
  /** The field's identity so far, as written steps. */
  key: string[];
  ownerRemoved: boolean;
}

interface Entry {
  id: string;
  step: PathSegment;
  value: Json;
}

/** Kubernetes reads an explicit null as an absent field. */
function present(value: Json | undefined): Json | undefined {
  return value === null ? undefined : value;
}

function isScalar(value: Json): boolean {
  return typeof value === "string" || typeof value === "number" || typeof value === "boolean";
}

type ListPairing = "name" | "value" | "index";

function pairingOf(items: readonly Json[]): ListPairing {
  if (items.length > 0 && items.every((item) => isObject(item) && typeof item.name === "string"))
    return "name";
  if (items.length > 0 && items.every(isScalar)) return "value";
  return "index";
}

/**
 * The items under `[*]` with their identities, written as path steps (a mapping's keys as keys);
 * a repeated identity gets its occurrence number.
 */
function entriesOf(value: Json | undefined, pairing: ListPairing): Entry[] {
  if (isObject(value))
    return Object.entries(value).map(([key, item]) => ({ id: keyText(key), step: key, value: item }));
  if (!Array.isArray(value)) return [];
  const seen = new Map<string, number>();
  return value.map((item, index) => {
    let id = `[${index}]`;
    if (pairing === "name") id = `[name=${JSON.stringify((item as { name: string }).name)}]`;
    else if (pairing === "value") id = `[=${JSON.stringify(item)}]`;
    const count = (seen.get(id) ?? 0) + 1;
    seen.set(id, count);
    return { id: count > 1 ? `${id}#${count}` : id, step: index, value: item };
  });
}

function stepInto(side: Side, step: PathSegment, value: Json | undefined, text: string): Side {
  return { value: present(value), path: [...side.path, step], text: [...side.text, text] };
}

/** The side one `[*]` item further in; an item this side lacks leaves it absent. */
function enter(side: Side, entry: Entry | undefined): Side {
  if (!entry) return { value: undefined, path: side.path, text: side.text };
  const text = typeof entry.step === "number" ? `[${entry.step}]` : keyText(entry.step);
  return stepInto(side, entry.step, entry.value, text);
}

function walk(before: Side, after: Side, steps: readonly FieldStep[], walked: Walk, out: FieldPair[]) {
  if (before.value === undefined && after.value === undefined) return;
  if (steps.length === 0) {
    const shown = after.value !== undefined ? after : before;
    out.push({
      ...(before.value !== undefined ? { before: { value: before.value, path: before.path } } : {}),
      ...(after.value !== undefined ? { after: { value: after.value, path: after.path } } : {}),
      key: joinSteps(walked.key),
      text: joinSteps(shown.text),
      ownerRemoved: walked.ownerRemoved,
    });
    return;
  }
  const [step, ...rest] = steps;
  if ("key" in step) {
    const read = (side: Side) =>
      stepInto(side, step.key, isObject(side.value) ? side.value[step.key] : undefined, keyText(step.key));
    walk(read(before), read(after), rest, { ...walked, key: [...walked.key, keyText(step.key)] }, out);
  } else if ("index" in step) {
    const text = `[${step.index}]`;
    const read = (side: Side) =>
      stepInto(side, step.index, Array.isArray(side.value) ? side.value[step.index] : undefined, text);
    walk(read(before), read(after), rest, { ...walked, key: [...walked.key, text] }, out);
  } else {
    const items = [before.value, after.value].flatMap((v) => (Array.isArray(v) ? v : []));
    const pairing = pairingOf(items);
    const beforeEntries = new Map(entriesOf(before.value, pairing).map((e) => [e.id, e]));
    const afterEntries = entriesOf(after.value, pairing);
    const ids = [...afterEntries.map((e) => e.id), ...beforeEntries.keys()];
    const afterById = new Map(afterEntries.map((e) => [e.id, e]));
    for (const id of new Set(ids)) {
      const afterEntry = afterById.get(id);
      const ownerRemoved = walked.ownerRemoved || (rest.length > 0 && afterEntry === undefined);
      walk(
        enter(before, beforeEntries.get(id)),
        enter(after, afterEntry),
        rest,
        { key: [...walked.key, id], ownerRemoved },
        out,
      );
    }
  }
}

/** Every concrete field the steps reach on either side, paired across the change. */
export function fieldPairs(
  before: Json | undefined,
  after: Json | undefined,
  steps: readonly FieldStep[],
): FieldPair[] {
  const out: FieldPair[] = [];
  walk(
    { value: present(before), path: [], text: [] },
    { value: present(after), path: [], text: [] },
    steps,
    { key: [], ownerRemoved: false },
    out,
  );
  return out;
}
