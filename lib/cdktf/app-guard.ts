import type { IConstruct } from "constructs";
import { loadedFrameworks, type Framework } from "./framework";

/**
 * cdktf 0.21 (and CDK Terrain) run aspects from each stack down and never look at the App's own aspects, so the
 * cdk-nag habit `Aspects.of(app).add(checks)` would silently check nothing. blastwall makes that one line work:
 * every stack's aspect list also reports the guard aspects added to any of its ancestors. Only aspects that opt in
 * (the `INHERIT_FROM_APP` marker) are inherited, so other libraries' aspects behave exactly as before.
 *
 * The `Aspects` class of every loaded framework (and every loaded copy of one) is patched: a CDK Terrain app calls
 * `Aspects` from `cdktn`, whose aspect lists the `cdktf` class never sees, and a guard added with one framework's
 * `Aspects` to the other's app is gathered too.
 */
export const INHERIT_FROM_APP = Symbol.for("blastwall.inheritFromApp");
const PATCHED = Symbol.for("blastwall.aspectsPatched");

/** Structurally what both frameworks' aspects are; named here so the gate's types need neither package. */
export interface Aspect {
  visit(node: IConstruct): void;
}

type AspectsClass = Framework["Aspects"] & { [PATCHED]?: boolean };
type AspectsInstance = ReturnType<Framework["Aspects"]["of"]>;

const owners = new WeakMap<object, IConstruct>();

function inherits(a: Aspect): boolean {
  return (a as unknown as Record<symbol, unknown>)[INHERIT_FROM_APP] === true;
}

/**
 * Every patched `Aspects` class with its original `all` getter. Each framework (and each copy of one) keeps its aspect
 * lists under its own private symbol, so a guard added with one `Aspects` is invisible to another's: a stack's list
 * gathers the guards of all of them.
 */
const patched: { readonly ctor: AspectsClass; readonly all: () => unknown }[] = [];

/** Patches one framework's `Aspects`; true when its App-level aspects now reach the stacks (or already did). */
function patchAspects(fw: Framework): boolean {
  const ctor = fw.Aspects as AspectsClass;
  if (ctor[PATCHED]) return true;
  const allGetter = Object.getOwnPropertyDescriptor(ctor.prototype, "all")?.get;
  if (!allGetter) return false; // a framework without the `all` getter: per-stack aspects still work, documented in the README.
  patched.push({ ctor, all: allGetter });
  const originalOf = ctor.of.bind(ctor);
  ctor.of = (scope: IConstruct) => {
    const aspects = originalOf(scope);
    if (!owners.has(aspects)) owners.set(aspects, scope);
    return aspects;
  };
  Object.defineProperty(ctor.prototype, "all", {
    configurable: true,
    get(this: AspectsInstance): Aspect[] {
      const own = allGetter.call(this) as Aspect[];
      const scope = owners.get(this);
      if (!scope || !fw.TerraformStack.isStack(scope)) return own;
      const inherited: Aspect[] = [];
      for (const ancestor of scope.node.scopes) {
        for (const other of patched) {
          if (other.ctor === ctor && ancestor === scope) continue;
          for (const a of other.all.call(other.ctor.of(ancestor)) as Aspect[]) {
            if (inherits(a) && !own.includes(a) && !inherited.includes(a)) inherited.push(a);
          }
        }
      }
      return [...own, ...inherited];
    },
  });
  ctor[PATCHED] = true;
  return true;
}

/**
 * Patches the `Aspects` class of every framework loaded so far (cdktf, CDK Terrain). Called when blastwall loads and
 * again whenever a `BlastwallChecks` is made, which is after the app loaded its framework. A stack's aspect list made
 * before the patch still inherits: synth asks `Aspects.of(stack)` again, and that call records the stack.
 */
export function installAppGuard(): void {
  for (const { module } of loadedFrameworks()) patchAspects(module);
}
