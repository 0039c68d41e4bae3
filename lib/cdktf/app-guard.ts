import { Aspects, TerraformStack } from "cdktf";
import type { IAspect } from "cdktf";
import type { IConstruct } from "constructs";

/**
 * cdktf 0.21 runs aspects from each stack down and never looks at the App's own aspects, so the cdk-nag habit
 * `Aspects.of(app).add(checks)` would silently check nothing. blastwall makes that one line work: every stack's
 * aspect list also reports the guard aspects added to any of its ancestors. Only aspects that opt in (the
 * `INHERIT_FROM_APP` marker) are inherited, so other libraries' aspects behave exactly as before.
 */
export const INHERIT_FROM_APP = Symbol.for("blastwall.inheritFromApp");
const PATCHED = Symbol.for("blastwall.aspectsPatched");

const owners = new WeakMap<object, IConstruct>();

type AspectsCtor = typeof Aspects & { [PATCHED]?: boolean };

function inherits(a: IAspect): boolean {
  return (a as unknown as Record<symbol, unknown>)[INHERIT_FROM_APP] === true;
}

export function installAppGuard(): void {
  const ctor = Aspects as AspectsCtor;
  if (ctor[PATCHED]) return;
  const allGetter = Object.getOwnPropertyDescriptor(Aspects.prototype, "all")?.get;
  if (!allGetter) return; // a cdktf without the `all` getter: per-stack aspects still work, documented in the README.
  const originalOf = Aspects.of.bind(Aspects);
  ctor.of = (scope: IConstruct) => {
    const aspects = originalOf(scope);
    if (!owners.has(aspects)) owners.set(aspects, scope);
    return aspects;
  };
  Object.defineProperty(Aspects.prototype, "all", {
    configurable: true,
    get(this: Aspects): IAspect[] {
      const own = allGetter.call(this) as IAspect[];
      const scope = owners.get(this);
      if (!scope || !TerraformStack.isStack(scope)) return own;
      const inherited: IAspect[] = [];
      for (const ancestor of scope.node.scopes) {
        if (ancestor === scope) continue;
        for (const a of allGetter.call(Aspects.of(ancestor)) as IAspect[]) {
          if (inherits(a) && !own.includes(a) && !inherited.includes(a)) inherited.push(a);
        }
      }
      return [...own, ...inherited];
    },
  });
  ctor[PATCHED] = true;
}
