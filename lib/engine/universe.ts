import { ActionUniverse } from "./iam/actions";
import { loadCatalogue } from "./catalogue";

let universe: ActionUniverse | undefined;

/** Every action the analysis tracks: the destroy catalogue plus the actions reach paths need. Built once. */
export function actionUniverse(): ActionUniverse {
  if (!universe) universe = new ActionUniverse(loadCatalogue().universe());
  return universe;
}
