// Local entry point: `kubedelta` (bin/kubedelta.js runs the compiled form of this file).
export { main } from "./cli/main.js";
