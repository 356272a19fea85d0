// The effective policy's types, derived from the configuration table (schema.ts) so that a setting
// is declared once: its type is what its entry reads to.

import type { ReviewSettings } from "../engine/settings.js";
import type { CONFIG, ValuesOf } from "./schema.js";

export type { RuleSettings } from "../engine/settings.js";
export { PERMISSIONS, type Permission } from "./schema.js";

/** `T`, which must be the engine's settings: a compile-time check that review() takes a Policy. */
type EngineSettings<T extends ReviewSettings> = T;

/**
 * The effective policy: the built-in defaults, the pack and the repository's config applied in
 * turn, validated. It is the engine's ReviewSettings (src/engine/settings.ts), and what only the
 * shells read besides (approvals, custom rule specs, the App's context limit).
 */
export type Policy = EngineSettings<ValuesOf<typeof CONFIG>>;

/** The engine's limits, and how many unchanged manifests the App reads around a change. */
export type Limits = Policy["limits"];

/** Who may accept a risk with /approve-risk, and how many must. */
export type ApprovalSettings = Policy["approvals"];
