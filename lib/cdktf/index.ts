export { BlastwallChecks, type BlastwallChecksProps } from "./checks";
export { acknowledge, type InCodeAcknowledgement } from "./acknowledge";
