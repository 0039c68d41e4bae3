export { BlastwallChecks, type BlastwallChecksProps, type GuardedStack } from "./checks";
export { acknowledge, type InCodeAcknowledgement } from "./acknowledge";
