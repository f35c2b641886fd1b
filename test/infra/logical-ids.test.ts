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
    const ids = assembly.stacks.flatMap((stack) =>
      Object.entries(stack.template.Resources as Record<string, { Type: string }>)
        .filter(([, resource]) => statefulTypes.has(resource.Type))
        .map(([id, resource]) => `${stack.stackName} ${resource.Type} ${id}`),
    );
    expect(ids.length).toBeGreaterThan(0);
    expect(ids.sort()).toMatchSnapshot();
  });
});
