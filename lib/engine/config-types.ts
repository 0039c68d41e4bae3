// The config type is generated from policies/blastwall-config.schema.json (npm run gen); never edit it by hand.
export type { BlastwallConfig } from "../generated/blastwall-config";
