// Probot's throttle shares one request budget across replicas through Bottleneck's Redis
// datastore. When Redis loses Bottleneck's keys (a restart without persistence, an eviction, a
// client that missed its heartbeat), Bottleneck re-registers, but only when the script's error
// reads exactly "UNKNOWN_CLIENT" or "SETTINGS_KEY_NOT_FOUND". Redis 7 prefixes the errors of Lua
// scripts with "ERR ", so it never recognises them: every GitHub request of the process then
// fails ("ERR UNKNOWN_CLIENT") until it restarts. Measured with `npm run bench:load` (a Redis
// outage left runs in progress and pull requests without a check) and reproduced in
// test/github/bottleneck-recovery.test.ts. This strips the prefix from those two errors, once per
// process, so that Bottleneck's own recovery runs; nothing else changes.

import Bottleneck from "bottleneck";

const RECOVERABLE = /^ERR (UNKNOWN_CLIENT|SETTINGS_KEY_NOT_FOUND)$/;

type ScriptArgs = (
  name: string,
  id: string,
  args: unknown[],
  cb: (err: Error | null, replies: unknown) => void,
) => unknown[];

let installed = false;

/** Lets Bottleneck's Redis datastore recover from lost state on Redis 7 (see above). Idempotent. */
export function recoverBottleneckFromLostRedisState(): void {
  if (installed) return;
  installed = true;
  const prototype = (
    Bottleneck as unknown as { IORedisConnection: { prototype: { __scriptArgs__: ScriptArgs } } }
  ).IORedisConnection.prototype;
  const scriptArgs = prototype.__scriptArgs__;
  prototype.__scriptArgs__ = function (this: unknown, name, id, args, cb) {
    return scriptArgs.call(this, name, id, args, (err, replies) => {
      if (err && RECOVERABLE.test(err.message)) err.message = err.message.slice("ERR ".length);
      cb(err, replies);
    });
  };
}
