import { Stack, Validations } from "aws-cdk-lib";
// The function cdk-nag itself uses to name a resource in a finding; importing it keeps our names identical.
import { flattenCfnReference } from "cdk-nag/lib/utils/flatten-cfn-reference.js";
import type { IConstruct } from "constructs";

/** Acknowledges cdk-nag rules or findings on `scope` and everything below it, for one reason. */
export function acknowledge(scope: IConstruct, reason: string, ...ids: string[]): void {
  Validations.of(scope).acknowledge(...ids.map((id) => ({ id, reason })));
}

/**
 * How cdk-nag names an attribute of `owner` (e.g. `bucket.bucketArn`) in a policy written in the stack of
 * `scope`: an IAM5 finding for a wildcard resource reads `Resource::<that name>/*`. cdk-nag acknowledges
 * findings one by one, by exact name. When `owner` is in another stack, the template holds the import of the
 * export CDK creates for the reference; `exportValue` returns that same export.
 */
export function nameInPolicy(scope: IConstruct, owner: IConstruct, attribute: string): string {
  const stack = Stack.of(scope);
  const producer = Stack.of(owner);
  const value = producer === stack ? attribute : producer.exportValue(attribute);
  return flattenCfnReference(stack.resolve(value));
}
