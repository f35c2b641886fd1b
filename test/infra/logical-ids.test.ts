import { NestedStack } from "aws-cdk-lib";
import { Template } from "aws-cdk-lib/assertions";
import { describe, expect, it } from "vitest";
import { definePinService } from "../../infra/app.ts";
import { testApp } from "./synth.ts";

/**
 * Resources that hold state, or that a replacement would break (a retained user pool's groups and domain keep
 * their names; a topic its subscriptions): CloudFormation replaces a resource whose logical id changes, so a
 * refactoring of the constructs must leave these ids as they are. The snapshot is the list deployed stacks
 * carry; updating it (`vitest -u`) is a decision to replace what it names.
 */
const statefulTypes = new Set([
  "AWS::DynamoDB::Table",
  "AWS::DynamoDB::GlobalTable",
  "AWS::S3::Bucket",
  "AWS::KMS::Key",
  "AWS::Cognito::UserPool",
  "AWS::Cognito::UserPoolGroup",
  "AWS::Cognito::UserPoolDomain",
  "AWS::Cognito::UserPoolClient",
  "AWS::SQS::Queue",
  "AWS::SNS::Topic",
  "AWS::Logs::LogGroup",
  "AWS::Scheduler::Schedule",
  "AWS::ApiGatewayV2::Api",
  "AWS::SES::ConfigurationSet",
  "AWS::SES::EmailIdentity",
]);

describe("logical ids", () => {
  it("stay those of the deployed stacks for every stateful resource", () => {
    const app = testApp();
    definePinService(app);
    const assembly = app.synth();
    // The deployed stacks, then their nested stacks (a template each, named by construct path).
    const templates = [
      ...assembly.stacks.map((stack) => ({ name: stack.stackName, template: stack.template })),
      ...app.node
        .findAll()
        .filter(NestedStack.isNestedStack)
        .map((stack) => ({ name: stack.node.path, template: Template.fromStack(stack).toJSON() })),
    ];
    const ids = templates.flatMap(({ name, template }) =>
      Object.entries(template.Resources as Record<string, { Type: string }>)
        .filter(([, resource]) => statefulTypes.has(resource.Type))
        .map(([id, resource]) => `${name} ${resource.Type} ${id}`),
    );
    expect(ids.length).toBeGreaterThan(0);
    expect(ids.sort()).toMatchSnapshot();
  });
});
