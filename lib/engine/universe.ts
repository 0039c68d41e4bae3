import { ActionUniverse } from "./iam/actions";
import { loadCatalogue } from "./catalogue";
import { reachActions } from "./reach/compute";
import { INVOKE_ROUTE_ACTIONS } from "./reach/invoke-routes";
import { COMPUTE_ROUTE_ACTIONS } from "./reach/compute-targets";

let universe: ActionUniverse | undefined;

/**
 * Every action the analysis tracks: the destroy catalogue, its reach actions, and the actions the reach
 * tables in `reach/compute.ts` look up. Built once; an action outside it is never reported as held.
 */
export function actionUniverse(): ActionUniverse {
  if (!universe) {
    const names = new Map<string, string>();
    for (const a of [...loadCatalogue().universe(), ...reachActions(), ...INVOKE_ROUTE_ACTIONS, ...COMPUTE_ROUTE_ACTIONS]) if (!names.has(a.toLowerCase())) names.set(a.toLowerCase(), a);
    universe = new ActionUniverse([...names.values()]);
  }
  return universe;
}
