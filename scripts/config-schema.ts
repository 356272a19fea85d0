// Writes the JSON Schema of `.github/kubedelta.yml` (docs/kubedelta.schema.json) from the schema
// declared in src/policy/schema.ts and the rules' metadata (`npm run schema:update`); a test keeps
// the checked-in file current.

import { writeFileSync } from "node:fs";
import { configSchema } from "../src/policy/schema.js";
import { RULES } from "../src/rules/index.js";

writeFileSync(
  new URL("../docs/kubedelta.schema.json", import.meta.url),
  `${JSON.stringify(configSchema(RULES), null, 2)}\n`,
);
