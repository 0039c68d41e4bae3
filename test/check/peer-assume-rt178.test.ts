/**
 * Red-team round 178, F1: in one run of two stacks, stack alpha's agent may sts:AssumeRole on the ARN of a role of
 * stack beta whose trust admits the account root. In AWS that trust leaves the call to the caller's own policies, and
 * the agent's allow it: the agent can assume the role and use its rights. Beta reported nothing (the peer entries
 * matched only trusts naming the agent's ARN); alpha reported only agent-reach-unknown, whose acknowledgement kept
 * covering after the role gained destroy rights. The agent's entry now carries its sts:AssumeRole grants.
 */
import type { Report } from "../../lib/report/types";
import { errors, policy, tf } from "../helpers/tf";
import { agentStack, runStacks } from "./peer-helpers";

type Obj = Record<string, unknown>;
const ACCOUNT = "111122223333";
const DEPLOYER = `arn:aws:iam::${ACCOUNT}:role/deployer`;
const pinnedTo = (account: string | undefined): Obj => ({
  provider: {
    aws: [
      {
        region: "us-east-1",
        ...(account !== undefined && { allowed_account_ids: [account] }),
      },
    ],
  },
});

const allowAssume = (resource: string | string[]): Obj => ({
  Effect: "Allow",
  Action: "sts:AssumeRole",
  Resource: resource,
});

/** Alpha: an agent (path /agents/) whose one inline policy holds the statements given. */
function alpha(statements: Obj[], account: string | undefined = ACCOUNT): Obj {
  return agentStack(statements, pinnedTo(account));
}

/** Beta: role `deployer`, trusting `principal`, that may delete every bucket (or only read them). */
function beta(
  principal: string | Obj = `arn:aws:iam::${ACCOUNT}:root`,
  opts: { account?: string; harmless?: boolean; condition?: Obj } = {},
): Obj {
  const trust = {
    Effect: "Allow",
    Principal: typeof principal === "string" ? { AWS: principal } : principal,
    Action: "sts:AssumeRole",
    ...(opts.condition && { Condition: opts.condition }),
  };
  const actions = opts.harmless
    ? ["s3:GetObject", "s3:ListBucket"]
    : ["s3:DeleteBucket", "s3:DeleteObject"];
  return tf(
    {
      "aws_iam_role.deployer": {
        name: "deployer",
        assume_role_policy: policy(trust),
      },
      "aws_iam_role_policy.d": {
        role: "${aws_iam_role.deployer.name}",
        policy: policy({ Effect: "Allow", Action: actions, Resource: "*" }),
      },
    },
    pinnedTo("account" in opts ? opts.account : ACCOUNT),
  );
}

const run = runStacks;
const inBeta = (r: Report) =>
  errors(r, "agent-transitive-destroy").filter((f) =>
    f.file.includes("/beta/"),
  );

describe("another stack's role whose trust admits the account root, and an agent allowed to assume it", () => {
  test("beta reports agent-transitive-destroy naming alpha's agent and its grant (the round's exact input)", () => {
    const found = inBeta(
      run(["alpha", alpha([allowAssume(DEPLOYER)])], ["beta", beta()]),
    );
    expect(found.map((f) => f.resource)).toEqual(["aws_iam_role.deployer"]);
    const text = found[0].evidence.map((e) => e.detail).join("\n");
    expect(text).toContain("aws_iam_role.agent of stack alpha");
    expect(text).toContain(
      `aws_iam_role_policy.p statement #0 (Allow sts:AssumeRole on ${DEPLOYER}) in stack alpha allows`,
    );
    expect(text).toContain(
      "the trust policy of aws_iam_role.deployer admits it",
    );
  });

  test("a grant on `*`, or on a wildcard that covers the role, counts too", () => {
    expect(
      inBeta(run(["alpha", alpha([allowAssume("*")])], ["beta", beta()])).map(
        (f) => f.resource,
      ),
    ).toEqual(["aws_iam_role.deployer"]);
    expect(
      inBeta(
        run(
          [
            "alpha",
            alpha([allowAssume(`arn:aws:iam::${ACCOUNT}:role/deploy*`)]),
          ],
          ["beta", beta()],
        ),
      ).map((f) => f.resource),
    ).toEqual(["aws_iam_role.deployer"]);
  });

  test("a trust of the account root given as the bare account id counts", () => {
    expect(
      inBeta(
        run(["alpha", alpha([allowAssume(DEPLOYER)])], ["beta", beta(ACCOUNT)]),
      ).map((f) => f.resource),
    ).toEqual(["aws_iam_role.deployer"]);
  });

  test("across accounts: the role in another account trusting the agent's account root, with the agent's grant on it", () => {
    const other = "444455556666";
    const found = inBeta(
      run(
        ["alpha", alpha([allowAssume(`arn:aws:iam::${other}:role/deployer`)])],
        ["beta", beta(`arn:aws:iam::${ACCOUNT}:root`, { account: other })],
      ),
    );
    expect(found.map((f) => f.resource)).toEqual(["aws_iam_role.deployer"]);
  });

  test("unpinned stacks may share an account: counted", () => {
    expect(
      inBeta(
        run(
          [
            "alpha",
            alpha([allowAssume("arn:aws:iam::*:role/deployer")], undefined),
          ],
          [
            "beta",
            beta("arn:aws:iam::111122223333:root", { account: undefined }),
          ],
        ),
      ).map((f) => f.resource),
    ).toEqual(["aws_iam_role.deployer"]);
  });

  test("a trust naming the agent's ARN, beside its grant, still gives one finding about one principal", () => {
    const found = inBeta(
      run(
        ["alpha", alpha([allowAssume(DEPLOYER)], undefined)],
        ["beta", beta(`arn:aws:iam::${ACCOUNT}:role/agents/agent`)],
      ),
    );
    expect(found.map((f) => [f.principal, f.resource])).toEqual([
      [
        `outside:arn:aws:iam::${ACCOUNT}:role/agents/agent`,
        "aws_iam_role.deployer",
      ],
    ]);
  });

  test("the finding's grants digest changes with the agent's grant", () => {
    const digest = (resource: string) =>
      inBeta(
        run(["alpha", alpha([allowAssume(resource)])], ["beta", beta()]),
      )[0].grants;
    expect(digest(DEPLOYER)).toMatch(/^[0-9a-f]{16}$/);
    expect(digest(DEPLOYER)).not.toEqual(
      digest(`arn:aws:iam::${ACCOUNT}:role/deploy*`),
    );
  });
});

describe("controls: no path, no finding", () => {
  test("a grant on another role's ARN", () => {
    expect(
      inBeta(
        run(
          ["alpha", alpha([allowAssume(`arn:aws:iam::${ACCOUNT}:role/other`)])],
          ["beta", beta()],
        ),
      ),
    ).toEqual([]);
  });

  test("a trust of another account's root, both stacks pinned to this one", () => {
    expect(
      inBeta(
        run(
          ["alpha", alpha([allowAssume(DEPLOYER)])],
          ["beta", beta("arn:aws:iam::444455556666:root")],
        ),
      ),
    ).toEqual([]);
  });

  test("a grant on the role's ARN in another account than the one the role is pinned to", () => {
    expect(
      inBeta(
        run(
          [
            "alpha",
            alpha([allowAssume("arn:aws:iam::444455556666:role/deployer")]),
          ],
          ["beta", beta()],
        ),
      ),
    ).toEqual([]);
  });

  test("a Deny of the agent's own that certainly refuses the call", () => {
    const deny = {
      Effect: "Deny",
      Action: "sts:AssumeRole",
      Resource: `arn:aws:iam::${ACCOUNT}:role/deploy*`,
    };
    expect(
      inBeta(
        run(["alpha", alpha([allowAssume(DEPLOYER), deny])], ["beta", beta()]),
      ),
    ).toEqual([]);
  });

  test("a Deny of the agent's own on the role, beside a grant on `*` (which the Deny does not take away as a whole)", () => {
    const deny = { Effect: "Deny", Action: "sts:*", Resource: DEPLOYER };
    expect(
      inBeta(run(["alpha", alpha([allowAssume("*"), deny])], ["beta", beta()])),
    ).toEqual([]);
  });

  test("a Deny in the agent's permission boundary", () => {
    const json = alpha([allowAssume("*")]);
    const resource = json.resource as Record<string, Record<string, Obj>>;
    resource.aws_iam_policy = {
      b: {
        name: "b",
        policy: policy(
          { Effect: "Allow", Action: "*", Resource: "*" },
          {
            Effect: "Deny",
            Action: "sts:AssumeRole",
            Resource: `arn:aws:iam::${ACCOUNT}:role/deploy*`,
          },
        ),
      },
    };
    resource.aws_iam_role.agent.permissions_boundary =
      "${aws_iam_policy.b.arn}";
    expect(inBeta(run(["alpha", json], ["beta", beta()]))).toEqual([]);
  });

  test("...but a Deny of another role, or one with a condition that may not hold, refuses nothing here", () => {
    const other = {
      Effect: "Deny",
      Action: "sts:AssumeRole",
      Resource: `arn:aws:iam::${ACCOUNT}:role/other`,
    };
    expect(
      inBeta(
        run(["alpha", alpha([allowAssume("*"), other])], ["beta", beta()]),
      ).map((f) => f.resource),
    ).toEqual(["aws_iam_role.deployer"]);
    const conditional = {
      Effect: "Deny",
      Action: "sts:AssumeRole",
      Resource: DEPLOYER,
      Condition: { StringEquals: { "aws:RequestedRegion": "eu-west-1" } },
    };
    expect(
      inBeta(
        run(
          ["alpha", alpha([allowAssume("*"), conditional])],
          ["beta", beta()],
        ),
      ).map((f) => f.resource),
    ).toEqual(["aws_iam_role.deployer"]);
  });

  test("a root trust narrowed by aws:PrincipalArn to other roles", () => {
    const condition = {
      ArnLike: { "aws:PrincipalArn": `arn:aws:iam::${ACCOUNT}:role/ci-*` },
    };
    expect(
      inBeta(
        run(
          ["alpha", alpha([allowAssume(DEPLOYER)])],
          ["beta", beta(`arn:aws:iam::${ACCOUNT}:root`, { condition })],
        ),
      ),
    ).toEqual([]);
  });

  test("a role that may only read: nothing to destroy", () => {
    expect(
      inBeta(
        run(
          ["alpha", alpha([allowAssume(DEPLOYER)])],
          ["beta", beta(`arn:aws:iam::${ACCOUNT}:root`, { harmless: true })],
        ),
      ),
    ).toEqual([]);
  });

  test("each stack alone (the synth-time gate) is judged as before", () => {
    expect(inBeta(run(["beta", beta()]))).toEqual([]);
    const alone = run(["alpha", alpha([allowAssume(DEPLOYER)])]);
    expect(errors(alone, "agent-reach-unknown").map((f) => f.resource)).toEqual(
      ["aws_iam_role_policy.p"],
    );
    expect(errors(alone, "agent-transitive-destroy")).toEqual([]);
  });
});

describe("a chain through the role that trusts the account root", () => {
  /** Gamma: role `admin` with administrator rights, trusting `principal`. */
  const gamma = (principal: string): Obj =>
    tf(
      {
        "aws_iam_role.admin": {
          name: "admin",
          assume_role_policy: policy({
            Effect: "Allow",
            Principal: { AWS: principal },
            Action: "sts:AssumeRole",
          }),
        },
        "aws_iam_role_policy_attachment.admin": {
          role: "${aws_iam_role.admin.name}",
          policy_arn: "arn:aws:iam::aws:policy/AdministratorAccess",
        },
      },
      pinnedTo(ACCOUNT),
    );
  /** Beta's deployer may only assume gamma's admin, nothing to destroy of its own. */
  const hop = (): Obj => {
    const json = beta(`arn:aws:iam::${ACCOUNT}:root`, { harmless: true });
    (
      (json.resource as Record<string, Record<string, Obj>>).aws_iam_role_policy
        .d as Obj
    ).policy = policy(allowAssume(`arn:aws:iam::${ACCOUNT}:role/admin`));
    return json;
  };
  const inGamma = (r: Report) =>
    errors(r, "agent-transitive-destroy").filter((f) =>
      f.file.includes("/gamma/"),
    );

  test.each([
    [
      "gamma's role trusts the deployer's ARN",
      `arn:aws:iam::${ACCOUNT}:role/deployer`,
    ],
    [
      "gamma's role trusts the account root too",
      `arn:aws:iam::${ACCOUNT}:root`,
    ],
  ])(
    "%s: gamma reports the agent reaching its admin, in any order of the stacks",
    (_, principal) => {
      const stacks: [string, Obj][] = [
        ["alpha", alpha([allowAssume(DEPLOYER)])],
        ["beta", hop()],
        ["gamma", gamma(principal)],
      ];
      for (const order of [stacks, [...stacks].reverse()]) {
        const found = inGamma(run(...order));
        expect(found.map((f) => f.resource)).toEqual(["aws_iam_role.admin"]);
        expect(found[0].evidence.map((e) => e.detail).join("\n")).toContain(
          "aws_iam_role.agent of stack alpha",
        );
      }
    },
  );
});

describe("principals the agent acts as, in its own stack, that hold sts:AssumeRole too", () => {
  /** Alpha with role `hop` the agent may assume; `agentOn`/`hopOn`: what each may assume besides. */
  const withHop = (agentOn: string | undefined, hopOn: string): Obj => {
    const json = alpha([
      allowAssume([
        `arn:aws:iam::${ACCOUNT}:role/hop`,
        ...(agentOn !== undefined ? [agentOn] : []),
      ]),
    ]);
    const resource = json.resource as Record<string, Record<string, Obj>>;
    resource.aws_iam_role.hop = {
      name: "hop",
      assume_role_policy: policy({
        Effect: "Allow",
        Principal: { AWS: `arn:aws:iam::${ACCOUNT}:role/agents/agent` },
        Action: "sts:AssumeRole",
      }),
    };
    resource.aws_iam_role_policy.h = {
      role: "${aws_iam_role.hop.name}",
      policy: policy(allowAssume(hopOn)),
    };
    return json;
  };
  const principals = (r: Report) => inBeta(r).map((f) => f.principal);

  test("the agent's own grant covers the role: one finding, about the agent (not one per principal it acts as)", () => {
    expect(
      principals(run(["alpha", withHop(DEPLOYER, "*")], ["beta", beta()])),
    ).toEqual([`outside:arn:aws:iam::${ACCOUNT}:role/agents/agent`]);
  });

  test("only the principal it acts as holds the grant: the finding is about that one, acting for the agent", () => {
    const found = inBeta(
      run(["alpha", withHop(undefined, DEPLOYER)], ["beta", beta()]),
    );
    expect(found.map((f) => f.principal)).toEqual([
      `outside:arn:aws:iam::${ACCOUNT}:role/hop`,
    ]);
    expect(found[0].evidence.map((e) => e.detail).join("\n")).toContain(
      "aws_iam_role.agent of stack alpha",
    );
  });

  test("a trust that tells callers apart (aws:PrincipalArn on the hop) admits the hop alone", () => {
    const condition = {
      ArnEquals: { "aws:PrincipalArn": `arn:aws:iam::${ACCOUNT}:role/hop` },
    };
    expect(
      principals(
        run(
          ["alpha", withHop(DEPLOYER, "*")],
          ["beta", beta(`arn:aws:iam::${ACCOUNT}:root`, { condition })],
        ),
      ),
    ).toEqual([`outside:arn:aws:iam::${ACCOUNT}:role/hop`]);
  });
});
