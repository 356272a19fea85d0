// What stops the Action before or instead of a verdict: a wrong event, a bad input, a checkout
// without the commits. Its message is for the person reading the workflow log; exit code 2.

export class ActionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ActionError";
  }
}
