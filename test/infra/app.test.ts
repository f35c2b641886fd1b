import { beforeAll, describe, expect, it } from "vitest";
import { definePinService } from "../../infra/app.ts";
import { functionDefinitions } from "../../shared/functions.ts";
import {
  assembly,
  dataTemplate,
  edgeTemplate,
  ownFunctions,
  type Resource,
  serviceTemplate,
  synthesizeStacks,
} from "./stacks.ts";
import { stagedAssets, testApp } from "./synth.ts";

beforeAll(synthesizeStacks);

describe("the app", () => {
  it("synthesizes without bundling when aws:cdk:bundling-stacks is empty", () => {
    // No function is bundled. The web client's BucketDeployment stages three assets whatever the setting:
    // CDK's prebuilt deployment function, its CLI layer, and web/ as it is (the client's build is skipped).
    expect(stagedAssets(assembly)).toHaveLength(3);
    expect(Object.keys(ownFunctions())).toHaveLength(Object.keys(functionDefinitions).length);
  });

  it("rejects context values that are not valid, naming them", () => {
    const app = testApp({ senderEmail: "not-an-address", webOrigin: "https://pin.example.org/path" });
    expect(() => definePinService(app)).toThrow(/senderEmail.*webOrigin/s);
  });

  it("names no physical resource (no literal name; references to generated names are fine)", () => {
    const named = [
      "TableName",
      "BucketName",
      "FunctionName",
      "QueueName",
      "UserPoolName",
      "RoleName",
      "LogGroupName",
    ];
    for (const template of [dataTemplate, serviceTemplate, edgeTemplate]) {
      for (const [id, resource] of Object.entries(template.toJSON().Resources as Record<string, Resource>)) {
        if (resource.Type === "AWS::Cognito::UserPoolGroup") continue; // handlers authorise on group names
        for (const property of named) {
          expect(typeof resource.Properties?.[property], `${id}.${property}`).not.toBe("string");
        }
      }
    }
  });
});
