/**
 * A module loaded on first use instead of with the package. `Aspects.of(app).add(new BlastwallChecks())` loads the
 * gate into every `cdktf synth`, where each module costs V8 a compile: code only some stacks need (Cognito identity
 * pools, Roles Anywhere, EKS clusters, peer stacks, config files) is loaded when a stack needs it. Written as
 *
 *     import type * as X from "./x";
 *     const x = lazy(() => require("./x") as typeof X);
 *
 * test/cdktf/lazy-loading.test.ts pins which modules the gate leaves unloaded for a plain stack.
 */
export function lazy<T>(load: () => T): () => T {
  let loaded: T | undefined;
  return () => (loaded ??= load());
}
