/**
 * How large a reach graph blastwall builds. Edges grow as the square of the roles when every role may assume every other
 * (each trusts its account's root and holds sts:AssumeRole on `*`): 3,300 such roles in a 1 MB file made 11 million
 * edges and ran the process out of heap, an abort with no exit code a gate can read (red-team round 176, F2).
 */

/**
 * Edges one reach graph holds before blastwall stops building it. An edge costs about 440 bytes of heap with what it
 * keeps alive (measured on 1,000 roles that each may assume every other: 1,000,000 edges, 441 MB), so the graph stays
 * near 220 MB, well under 1 GB with the rest of the analysis. The bench's reach organisation (2,000 roles) has 6,500.
 */
export const MAX_REACH_EDGES = 500_000;

/**
 * Thrown by the reach graph when it would hold more than its limit of edges; every later use of that graph throws it
 * again. The analysis then reports every agent of the stack as reaching every principal and every right (fail closed).
 */
export class ReachGraphTooLarge extends Error {
  constructor(
    /** The stack's file. */
    readonly file: string,
    /** Principals of the stack, and how many are roles. */
    readonly principals: number,
    readonly roles: number,
    /** Principals whose edges were built, and the edges they had when blastwall stopped. */
    readonly built: number,
    readonly edges: number,
    readonly limit: number,
  ) {
    super(`blastwall: ${file}: the reach graph has more than ${limit} edges`);
    this.name = "ReachGraphTooLarge";
  }
}
