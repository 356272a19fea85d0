import type { Json, JsonObject } from "../types.js";

/** Sets an own property, also for `__proto__` (plain assignment would replace the prototype). */
export function setKey(target: JsonObject, key: string, value: Json): void {
  if (key === "__proto__") {
    Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  } else {
    target[key] = value;
  }
}
