// A whole tree as the reviews read it: a render Revision, listed once, that also knows which of its
// paths are symbolic links without reading them.

import type { Revision } from "../render/revision.js";

export interface ListedTree extends Revision {
  /** The paths that are symbolic links (read as `{ symlink }`; they hold no manifest text). */
  links: ReadonlySet<string>;
}
