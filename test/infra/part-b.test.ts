import type { CfnElement } from "aws-cdk-lib";
import { beforeAll, describe, expect, it } from "vitest";
import { type Binding, type FunctionName, functionDefinitions } from "../../shared/functions.ts";
import {
  data,
  dataTemplate,
  type Json,
  logicalId,
  resourcesOf,
  service,
  serviceTemplate,
  synthesizeStacks,
} from "./stacks.ts";

beforeAll(synthesizeStacks);

describe("part B", () => {
  /** Every statement of every IAM policy of the service stack, with the role it is attached to. */
  function statementsByRole(): Array<{ role: string; statement: Json }> {
    return Object.values(resourcesOf(serviceTemplate, "AWS::IAM::Policy")).flatMap((policy) =>
      (policy.Properties.Roles as Array<{ Ref: string }>).flatMap((role) =>
        (policy.Properties.PolicyDocument.Statement as Json[]).map((statement) => ({
          role: role.Ref,
          statement,
        })),
      ),
    );
  }
  const allows = (statement: Json, action: string) =>
    statement.Effect === "Allow" &&
    [statement.Action].flat().some((granted: string) => granted === action || granted === "kms:*");

  it("has a key of its own that refuses any use without the part-B purpose and a letter id", () => {
    const keyId = logicalId(data.partBKey.node.defaultChild as CfnElement);
    const denials = resourcesOf(dataTemplate, "AWS::KMS::Key")[keyId]?.Properties.KeyPolicy.Statement.filter(
      (statement: Json) => statement.Effect === "Deny",
    );
    expect(denials).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          Principal: { AWS: "*" },
          Action: expect.arrayContaining(["kms:Decrypt", "kms:Encrypt"]),
          Condition: { StringNotEquals: { "kms:EncryptionContext:purpose": "part-b" } },
        }),
        expect.objectContaining({
          Principal: { AWS: "*" },
          Action: expect.arrayContaining(["kms:Decrypt", "kms:Encrypt"]),
          Condition: { Null: { "kms:EncryptionContext:letterId": "true" } },
        }),
      ]),
    );
    expect(logicalId(data.partBKey.node.defaultChild as CfnElement)).not.toBe(
      logicalId(data.dataKey.node.defaultChild as CfnElement),
    );
  });

  it("lets only the letter batch decrypt with the part-B key, with the encryption context", () => {
    const keyId = logicalId(data.partBKey.node.defaultChild as CfnElement);
    const onPartBKey = statementsByRole().filter(({ statement }) =>
      JSON.stringify(statement.Resource).includes(keyId),
    );
    const decrypting = onPartBKey.filter(({ statement }) => allows(statement, "kms:Decrypt"));
    expect(decrypting.map(({ role }) => role)).toEqual([
      logicalId(service.functions.letterBatch.role.node.defaultChild as CfnElement),
    ]);
    for (const { statement } of onPartBKey) {
      expect(statement.Condition).toEqual({
        StringEquals: { "kms:EncryptionContext:purpose": "part-b" },
        Null: { "kms:EncryptionContext:letterId": "false" },
        "ForAllValues:StringEquals": { "kms:EncryptionContextKeys": ["purpose", "letterId"] },
      });
    }
    // No role decrypts with any key at all through a wildcard resource.
    const anyKey = statementsByRole().filter(
      ({ statement }) => allows(statement, "kms:Decrypt") && [statement.Resource].flat().includes("*"),
    );
    expect(anyKey).toEqual([]);
  });

  it("lets only the functions bound to partBKey:encrypt encrypt with it, and nothing more", () => {
    const keyId = logicalId(data.partBKey.node.defaultChild as CfnElement);
    const encrypting = (Object.keys(functionDefinitions) as FunctionName[]).filter((name) =>
      (functionDefinitions[name].bindings as readonly Binding[]).includes("partBKey:encrypt"),
    );
    expect(encrypting).toContain("pinRequests");
    const roles = new Map(
      encrypting.map((name) => [
        logicalId(service.functions[name].role.node.defaultChild as CfnElement),
        name,
      ]),
    );
    for (const { role, statement } of statementsByRole()) {
      if (!JSON.stringify(statement.Resource).includes(keyId)) continue;
      const actions = [statement.Action].flat();
      if (roles.has(role)) expect(actions, roles.get(role)).toEqual(["kms:Encrypt"]);
      else expect(actions, role).toEqual(["kms:Decrypt"]);
    }
  });
});
