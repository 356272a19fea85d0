// Kustomize and Helm read their own files (kustomization.yaml, Chart.yaml, builtin plugin
// configs) through sigs.k8s.io/yaml: YAML to JSON (go-yaml v2, map keys sorted by json.Marshal),
// then Go's encoding/json into a struct. encoding/json matches an object key to a struct field
// case-insensitively, by Unicode simple folding (so `Resources`, `RESOURCES` and `reſources`
// are all `resources`), and when several keys match, the last one in that sorted order wins.
// Reading a field any other way would let a kustomization hide a reference from us that
// kustomize follows.

import { compareStrings } from "../engine/text.js";
import { isObject, type Json } from "../engine/types.js";

// Non-ASCII characters that fold onto an ASCII letter under Unicode simple folding.
const FOLDS_TO_ASCII: Readonly<Record<string, string>> = { "\u212a": "k", "\u017f": "s" };

/** Whether `key` names the (ASCII) field `name` for encoding/json. */
function foldsTo(key: string, name: string): boolean {
  if (key.length !== name.length) return false;
  for (let i = 0; i < key.length; i++) {
    const folded = FOLDS_TO_ASCII[key[i]] ?? key[i].toLowerCase();
    if (folded !== name[i].toLowerCase()) return false;
  }
  return true;
}

/** The values of every key of `object` that folds to `name`, in the order encoding/json decodes them. */
export function goFieldValues(object: Json | undefined, name: string): Json[] {
  if (!isObject(object)) return [];
  // json.Marshal sorts keys by bytes; keys folding to an ASCII name hold only BMP characters, for
  // which UTF-16 order is byte order.
  return Object.keys(object)
    .filter((key) => foldsTo(key, name))
    .sort(compareStrings)
    .map((key) => object[key]);
}

/**
 * The value encoding/json would decode into the struct field `name` of `object`: the value of the
 * last key that folds to `name` (each one overwrites the one before); undefined when none does.
 */
export function goField(object: Json | undefined, name: string): Json | undefined {
  return goFieldValues(object, name).at(-1);
}
